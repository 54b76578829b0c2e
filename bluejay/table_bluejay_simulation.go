package bluejay

import (
	"context"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// simulationRow is one simulation. Agent is its agent's id as text, whatever JSON form the API
// sent it in. detailed says the row holds every field (read by GET /v1/simulation/{id}), not
// only the list's.
type simulationRow struct {
	*api.Simulation
	Agent     string
	CreatedAt *time.Time
	detailed  bool
}

var simulationKeys = testingColumns{simulationID: "id"}

func tableBluejaySimulation(_ context.Context) *plugin.Table {
	return &plugin.Table{
		Name:        "bluejay_simulation",
		Description: "Simulations (test suites of simulated callers) Bluejay runs against your agents, one row per simulation.",
		Cache:       testingCache,
		List: &plugin.ListConfig{
			Hydrate:    listSimulations,
			KeyColumns: simulationKeys.keyColumns(),
			Tags:       map[string]string{"service": "bluejay", "action": "GetSimulationsByAgent"},
		},
		Columns: simulationColumns(),
	}
}

// testingCache turns Steampipe's query cache off for the testing tables, as for the call-log
// tables (callLogCache): the memo keeps each answer for the cache TTL instead.
var testingCache = callLogCache

func newSimulationRow(ctx context.Context, sim *api.Simulation, agentID string, detailed bool) *simulationRow {
	if sim.AgentID.Valid {
		agentID = sim.AgentID.Value
	}
	return &simulationRow{Simulation: sim, Agent: agentID, CreatedAt: parseTimestamp(ctx, "simulation.created_at", sim.ID.Value, sim.CreatedAt), detailed: detailed}
}

// listSimulations reads the simulations an id qual names (one request each), or every agent's.
func listSimulations(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
	return nil, guardList(ctx, d, func(ctx context.Context) error {
		c, req, err := testingScanOf(ctx, d, simulationKeys)
		if err != nil {
			return err
		}
		return walkTesting(ctx, d, c, func(w *testingWalk) error {
			if len(req.SimulationIDs) > 0 {
				for _, id := range req.SimulationIDs {
					sim, err := c.getSimulation(w.ctx, d, "id", id)
					if err != nil {
						return err
					}
					if err := w.emit(newSimulationRow(ctx, sim, "", true)); err != nil {
						return err
					}
				}
				return nil
			}
			return w.agents(req.AgentIDs, func(agentID string) error {
				sims, err := c.listSimulations(w.ctx, d, agentID)
				if err != nil {
					return err
				}
				rows := make([]any, len(sims))
				for i := range sims {
					rows[i] = newSimulationRow(ctx, &sims[i], agentID, false)
				}
				return w.emit(rows...)
			})
		})
	})
}

// testingScanOf is the connection's client and the query's request, for a testing table.
func testingScanOf(ctx context.Context, d *plugin.QueryData, keys testingColumns) (*connClient, testingRequest, error) {
	c, err := connectionClient(ctx, d)
	if err != nil {
		return nil, testingRequest{}, err
	}
	req, err := testingRequestFor(d, keys, time.Now())
	return c, req, err
}

// simulationDetail is the hydrate function of the columns only GET /v1/simulation/{id} gives:
// one request per simulation, sent only when the query names one of them.
func simulationDetail(ctx context.Context, d *plugin.QueryData, h *plugin.HydrateData) (any, error) {
	row, ok := h.Item.(*simulationRow)
	if !ok || row.detailed {
		return h.Item, nil
	}
	c, err := connectionClient(ctx, d)
	if err != nil {
		return nil, err
	}
	sim, err := c.getSimulation(ctx, d, "id", row.ID.Value)
	if err != nil {
		return nil, err
	}
	return newSimulationRow(ctx, sim, row.Agent, true), nil
}

func simulationColumns() []*plugin.Column {
	type R = *simulationRow
	cols := []*plugin.Column{
		column("id", proto.ColumnType_STRING, "ID of the simulation, as text (the API sends it as a number). `where id = '...'` reads that one simulation.", func(r R) any { return nonEmpty(r.ID.Value) }),
		column(colAgentID, proto.ColumnType_STRING, "ID of the agent the simulation tests, as text; joins bluejay_agent.id and bluejay_call.agent_id. Give it (= or IN) to read only those agents.", func(r R) any { return nonEmpty(r.Agent) }),
		column("name", proto.ColumnType_STRING, "Name of the simulation.", func(r R) any { return nonEmpty(r.Name) }),
		column("created_at", proto.ColumnType_TIMESTAMP, "When the simulation was created (UTC).", func(r R) any { return timeValue(r.CreatedAt) }),
		column("settings", proto.ColumnType_JSON, "Settings of the simulation, as the API returns them.", func(r R) any { return rawJSON(r.Settings) }),
	}
	detail := []*plugin.Column{
		column("type", proto.ColumnType_STRING, "How the simulation places its test calls, such as sequential. Read with one request per simulation (GET /v1/simulation/{id}), only when the query names it, as every column below.", func(r R) any { return str(r.Type) }),
		column("description", proto.ColumnType_STRING, "Description of the simulation.", func(r R) any { return str(r.Description) }),
		column("max_concurrent", proto.ColumnType_INT, "Most test calls placed at once.", func(r R) any { return i64(r.MaxConcurrent) }),
		column("max_turns", proto.ColumnType_INT, "Most turns a test call takes.", func(r R) any { return i64(r.MaxTurns) }),
		column("ringing_timeout", proto.ColumnType_INT, "How long a test call rings before it gives up.", func(r R) any { return i64(r.RingingTimeout) }),
		column("tags", proto.ColumnType_JSON, "Tags of the simulation.", func(r R) any { return rawJSON(r.Tags) }),
		column("pinned", proto.ColumnType_BOOL, "Whether the simulation is pinned.", func(r R) any { return boolean(r.Pinned) }),
		column("always_on", proto.ColumnType_BOOL, "Whether the simulation runs continuously.", func(r R) any { return boolean(r.AlwaysOn) }),
	}
	for _, c := range detail {
		c.Hydrate = simulationDetail
	}
	return append(append(cols, detail...),
		column("title", proto.ColumnType_STRING, "Title of the resource: the simulation's name.", func(r R) any { return nonEmpty(r.Name) }))
}
