package bluejay

import (
	"context"
	"fmt"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// The testing API's requests, each through the memo and within the connection's budget
// (readTesting), and the one message for an id the API does not know.

// Memo keys of the testing endpoints.
const (
	keySimulations = "get-simulations-by-agent"
	keySimulation  = "simulation"
	keyRuns        = "get-simulation-runs"
	keyResults     = "retrieve-simulation-results"
)

// testingObjectBytes is what one simulation or run holds in memory, near enough.
const testingObjectBytes = 512

func (c *connClient) listSimulations(ctx context.Context, d *plugin.QueryData, agentID string) ([]api.Simulation, error) {
	return readTesting(ctx, d, c, testingKey{keySimulations, agentID}, func(ctx context.Context) ([]api.Simulation, int, error) {
		sims, err := c.api.ListSimulations(ctx, agentID)
		return sims, testingObjectBytes * len(sims), err
	})
}

// getSimulation reads one simulation with every field; an id the API does not know is an
// error naming the column it came from.
func (c *connClient) getSimulation(ctx context.Context, d *plugin.QueryData, column, id string) (*api.Simulation, error) {
	sim, err := readTesting(ctx, d, c, testingKey{keySimulation, id}, func(ctx context.Context) (*api.Simulation, int, error) {
		sim, err := c.api.GetSimulation(ctx, id)
		return sim, testingObjectBytes, err
	})
	return sim, unknownID(err, column, id, "bluejay_simulation.id")
}

func (c *connClient) listSimulationRuns(ctx context.Context, d *plugin.QueryData, simulationID string) ([]api.SimulationRun, error) {
	runs, err := readTesting(ctx, d, c, testingKey{keyRuns, simulationID}, func(ctx context.Context) ([]api.SimulationRun, int, error) {
		runs, err := c.api.ListSimulationRuns(ctx, simulationID)
		return runs, testingObjectBytes * len(runs), err
	})
	return runs, unknownID(err, colSimulationID, simulationID, "bluejay_simulation.id")
}

func (c *connClient) simulationResults(ctx context.Context, d *plugin.QueryData, runID string) (*api.SimulationResults, error) {
	res, err := readTesting(ctx, d, c, testingKey{keyResults, runID}, func(ctx context.Context) (*api.SimulationResults, int, error) {
		res, err := c.api.GetSimulationResults(ctx, runID)
		if err != nil {
			return nil, 0, err
		}
		return res, resultsBytes(res), nil
	})
	return res, unknownID(err, colSimulationRunID, runID, "bluejay_simulation_run.id")
}

// resultsBytes is what a run's results hold in memory, near enough.
func resultsBytes(res *api.SimulationResults) int {
	n := testingObjectBytes
	for i := range res.Results {
		r := &res.Results[i]
		n += testingObjectBytes + len(r.Result) + len(r.CustomMetrics) + len(r.Latency) + len(r.Events) + len(r.Evaluations)
	}
	return n
}

// unknownID turns the API's 404 for an id the query gave into a message that says which qual
// named it and where ids are listed; a query that names an object that does not exist is a
// mistake to report, not an empty result.
func unknownID(err error, column, id, listedIn string) error {
	if !api.IsNotFound(err) {
		return err
	}
	return fmt.Errorf("%s = %q: the API knows no such id (%w); the ids this key can see are in %s", column, id, err, listedIn)
}
