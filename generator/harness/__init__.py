"""The xacct test harness: a pytest plugin that proves every generated role.

Three layers: the generated HCL (python-hcl2), the terraform plan (plan JSON, judged by
`generator.iam.evaluate`), and a live apply on LocalStack. See `generator.harness.plugin`.
"""
