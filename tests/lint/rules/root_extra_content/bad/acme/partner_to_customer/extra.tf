# Grants in a file next to main.tf: the root is every .tf file of its folder.

resource "aws_iam_role_policy" "more" { # expect: ROOT-EXTRA-CONTENT
  role   = module.role.role_name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] }) # expect: IAM-006-ACTION-WILDCARD, IAM-006-RESOURCE-WILDCARD
}

resource "aws_iam_user" "backdoor" { # expect: ROOT-EXTRA-CONTENT
  name = "backdoor"
}

resource "aws_iam_access_key" "backdoor" { # expect: ROOT-EXTRA-CONTENT
  user = aws_iam_user.backdoor.name
}

resource "aws_s3_bucket" "exfil" { # expect: ROOT-EXTRA-CONTENT
  bucket = "acme-exfil"
}

import { # expect: ROOT-EXTRA-CONTENT
  to = aws_s3_bucket.exfil
  id = "acme-exfil"
}
