# expect: ROOT-NOT-IN-REGISTRY
resource "aws_iam_role" "ci" {
  name = "ci"
}
