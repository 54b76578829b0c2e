mod "bluejay" {
  title       = "Bluejay Agent Checks"
  description = "Controls, benchmarks and dashboards for conversational AI agents monitored by Bluejay: hallucination, latency, goal success, PII redaction, recordings, identity checks, tool failures and early hang-ups."
  categories  = ["ai", "compliance"]

  # No `require { plugin ... }` block. Powerpipe checks a plugin requirement only against
  # Steampipe's own database (steampipe_internal.steampipe_plugin), where a plugin installed by
  # `make install` is "local" and passes any requirement; against a plain PostgreSQL with the
  # plugin's FDW extension, it warns on every command that the database "does not provide a
  # plugin which satisfies requirement", which no user there can fix. Powerpipe v1.5.2 also
  # refuses the block without a `min_version`. A database without the plugin's tables shows up
  # instead as each control's error: relation "bluejay_agent" does not exist.
}
