connection "bluejay" {
  plugin = "local/bluejay"

  # Your Bluejay API key (Bluejay dashboard > Settings > API keys).
  # If not set here, the BLUEJAY_API_KEY environment variable is used.
  # api_key = "bj_..."

  # The API to call. If not set here, BLUEJAY_BASE_URL is used, else https://api.getbluejay.ai.
  # Plain http is accepted only for a loopback host (a local proxy or the project's fake API).
  # base_url = "https://api.getbluejay.ai"

  # The agents to read when a query does not name any with `where agent_id = ...`.
  # Leave it out to read every agent the key can see (GET /v1/all-agents).
  # agent_ids = ["42", "43"]

  # The window read when a query gives no `last` and no lower bound on start_time_utc or
  # created_at: 1day, 3days, 7days, 30days, 90days or all. Default all: every call. A narrower
  # window here caps every such scan, the scans PostgreSQL runs inside joins too.
  # last = "all"

  # Requests in flight at once for the whole connection: every query, agent and IN-list value
  # shares them (1 = one request at a time). Default 8, at most 50.
  # max_concurrency = 8

  # Time allowed for one HTTP attempt, and for one request with all its retries.
  # request_timeout = "30s"
  # max_retry_time  = "2m"

  # Retries of a request that got a 429, a 5xx or a network error. Default 5, 0 turns them off.
  # max_retries = 5
}
