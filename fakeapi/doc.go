// Package fakeapi is a fake of the Bluejay API, in the spirit of net/http/httptest: the three
// endpoints of Bluejay's OpenAPI subset (testdata/openapi-subset.json) with deterministic
// synthetic data, injectable latency and faults, and a log of every request.
//
// It shares no code with the plugin's api package on purpose: tests that run the client
// against it check one reading of the contract against another.
//
// # Endpoints
//
//   - GET /v1/retrieve-call-logs/{agent_id}?label=&page_size=&page=&last= pages an agent's
//     calls newest first (created_at descending, then id ascending). An unknown agent has no
//     calls (200, total_count 0).
//   - GET /v1/retrieve-call-log/{call_id} returns {"call_log":...,"status":"200"}, or 404.
//   - GET /v1/all-agents lists every agent, credentials included (see SecretMarker).
//
// As in FastAPI: a missing X-API-Key header and bad query parameters are reported together
// in one 422 with pydantic v2 error entries, before a wrong key gets a 401; unknown paths
// get 404, other methods than GET and HEAD 405, and a trailing slash a 307 to the path
// without it. Bodies are encoded as Python's json.dumps would (4.0 for a float, non-ASCII
// unescaped).
//
// # Data
//
// Calls are generated on demand from (seed, agent, index), spread over the 120 days before
// the server's clock at creation, so a 100,000-call agent costs nothing until it is read.
// Encoded calls are cached up to Options.CacheBytes; Warm fills the cache ahead of a
// benchmark. Expected, Call and AgentsData give tests the exact data to compare with.
//
// # Faults
//
// Options.Faults or SetFaults make a share of requests fail (see Faults and the Fault*
// constants): 5xx and 429 answers, a connection reset mid-body, a truncated body, or a held
// request. Every request, faulted or not, is in Requests, without the API key, with how many
// requests the server was handling when it arrived (Request.InFlight, PeakInFlight).
//
// Options.Agents seeds the account: a benchmark or test of many agents lists them there (the
// default account, DefaultAgents, stays as it is).
package fakeapi
