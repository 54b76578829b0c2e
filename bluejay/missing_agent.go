package bluejay

import (
	"context"
	"strings"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// An agent the account does not have (deleted, or never there) answers its call-log list with a
// 404. SQL's answer to a filter that matches nothing is no rows, so a scan that names such an
// agent (agent_id = '...', an IN list, a join parameter from the user's own table of agents)
// reads no rows for it, with a warning, and goes on with the other agents: a report over a
// hundred agents does not fail on one that was deleted. Only page 1 counts: a 404 on a later
// page means the agent went away in the middle of a read whose rows are already out, and that
// short result fails the query. Every other failure (the agent list's own 404, a 401/403, a
// 422, a 5xx) still fails it.

// missingAgent reports whether r is page 1 of a target answered with a 404.
func missingAgent(r pageResult) bool {
	return r.err != nil && r.job.page == 1 && !r.job.fresh && api.IsNotFound(r.err)
}

// skipMissingAgent ends the target of r, gives back the page's slot and warns.
func (s *callScan) skipMissingAgent(ctx context.Context, r pageResult) {
	r.job.ts.finish()
	s.held--
	s.allowance.Release(1)
	warnMissingAgent(ctx, r.job.ts.t.AgentID, r.err)
}

// warnMissingAgent writes the warning to the plugin log (Steampipe's plugin log, or the
// PostgreSQL server's log under the FDW), and hands it to the host's warning hook, if any.
func warnMissingAgent(ctx context.Context, agentID string, err error) {
	plugin.Logger(ctx).Warn("bluejay: agent not found, its calls are left out", "agent_id", agentID, "error", err)
	if hook, ok := ctx.Value(warningHookKey{}).(func(string)); ok {
		hook("agent " + quoteAgent(agentID) + " was not found (HTTP 404): no rows for it")
	}
}

// quoteAgent writes the id as the query would have: a SQL string literal.
func quoteAgent(id string) string { return "'" + strings.ReplaceAll(id, "'", "''") + "'" }

type warningHookKey struct{}

// WithWarningHook returns a context whose scans call hook with each warning a user should see: an
// agent a query named that the account does not have. Like WithPageHook, it is for a host that
// serves the plugin in its own process (bluejay-sql prints it on stderr); over Steampipe's
// plugin protocol the warning is in the plugin log only.
func WithWarningHook(ctx context.Context, hook func(string)) context.Context {
	return context.WithValue(ctx, warningHookKey{}, hook)
}
