mod "bluejay" {
  title       = "Bluejay Agent Checks"
  description = "Controls, benchmarks and dashboards for conversational AI agents monitored by Bluejay: hallucination, latency, goal success, PII redaction, recordings, identity checks, tool failures and early hang-ups."
  categories  = ["ai", "compliance"]

  require {
    # `make install` installs the plugin as local/bluejay (it is not on the Steampipe hub yet).
    plugin "local/bluejay" {}
  }
}
