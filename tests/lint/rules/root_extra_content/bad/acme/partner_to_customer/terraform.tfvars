region = "eu-west-1" # expect: ROOT-EXTRA-CONTENT
