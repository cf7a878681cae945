module "role" { # expect: ROOT-EXTRA-CONTENT
  max_session_duration = 43200
}
