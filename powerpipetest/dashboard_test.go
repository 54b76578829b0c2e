package powerpipetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

// detailAgent is the agent the detail dashboard is run for: one of the fake account's agents
// with calls in every state.
const detailAgent = "42"

// dashboardArgs are the --arg values each dashboard's inputs get.
var dashboardArgs = map[string][]string{
	"agent_detail": {"agent_id=" + detailAgent},
}

// snapshot is the part of `--output snapshot` the tests read.
type snapshot struct {
	Panels map[string]panel `json:"panels"`
}

type panel struct {
	Name      string     `json:"name"`
	PanelType string     `json:"panel_type"`
	Status    string     `json:"status"`
	Error     string     `json:"error"`
	Data      *panelData `json:"data"`
}

// panelData is a panel's query result, as snapshots and `query run --output json` give it.
type panelData struct {
	Columns []struct {
		Name     string `json:"name"`
		DataType string `json:"data_type"`
	} `json:"columns"`
	Rows []map[string]any `json:"rows"`
}

// Each dashboard runs headless with its inputs given: no panel in error, and every panel's data
// has the shape its type needs.
func TestDashboardsRunHeadless(t *testing.T) {
	e := sharedEnv(t)
	m, err := modcheck.Load(mod.Files, "mod", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range m.Dashboards {
		t.Run(d.Name, func(t *testing.T) {
			args := []string{"dashboard", "run", d.Name, "--output", "snapshot", "--progress=false"}
			for _, a := range dashboardArgs[d.Name] {
				args = append(args, "--arg", a)
			}
			snap := decode[snapshot](t, run(t, e.pp, exitOK, args...))
			checked := 0
			for _, p := range snap.Panels {
				if p.Error != "" || p.Status == "error" {
					t.Errorf("%s (%s): %s", p.Name, p.PanelType, p.Error)
					continue
				}
				if p.Data == nil {
					continue // containers and the dashboard itself
				}
				if problem := shapeProblem(p); problem != "" {
					t.Errorf("%s (%s): %s", p.Name, p.PanelType, problem)
				}
				checked++
			}
			if want := len(d.Panels); checked != want {
				t.Errorf("%d panels with data, want %d (the dashboard's panels that run a query)", checked, want)
			}
		})
	}
}

// shapeProblem says what is wrong with a panel's data for its type, or "".
func shapeProblem(p panel) string {
	cols := make([]string, len(p.Data.Columns))
	for i, c := range p.Data.Columns {
		cols[i] = c.Name
	}
	rows := len(p.Data.Rows)
	switch {
	case rows == 0:
		return "no rows"
	case p.PanelType == "card" && rows != 1:
		return fmt.Sprintf("%d rows; a card shows one", rows)
	case p.PanelType == "input" && !(slices.Contains(cols, "label") && slices.Contains(cols, "value")):
		return fmt.Sprintf("columns %v; an input needs label and value", cols)
	case p.PanelType == "chart":
		return chartProblem(p)
	}
	return ""
}

// chartProblem: a chart is a category column then numeric series, or (category, series name,
// value) when its second column is text, Powerpipe's form for one series per value.
func chartProblem(p panel) string {
	cols := p.Data.Columns
	if len(cols) < 2 {
		return fmt.Sprintf("%d columns; a chart needs a category and a series", len(cols))
	}
	series := cols[1:]
	if len(cols) == 3 && !numeric(cols[1].DataType) {
		series = cols[2:]
	}
	for _, c := range series {
		if !numeric(c.DataType) {
			return fmt.Sprintf("series %s is %s, not a number", c.Name, c.DataType)
		}
	}
	return ""
}

func numeric(dataType string) bool {
	switch strings.ToUpper(dataType) {
	case "INT2", "INT4", "INT8", "NUMERIC", "FLOAT4", "FLOAT8":
		return true
	}
	return false
}
