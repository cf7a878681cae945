# Added to the generated root to make bad.plan.json: what the registry does not describe.

resource "aws_iam_user" "backdoor" {
  name = "teamform-backdoor"
}

resource "aws_iam_access_key" "backdoor" {
  user = aws_iam_user.backdoor.name
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = module.role.role_name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
