package powerpipetest

import (
	"slices"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/mod"
	"github.com/bluejay-community/steampipe-plugin-bluejay/modcheck"
)

// Every named query runs alone in `powerpipe query run`, its agent_id given as the dashboard's
// input would give it, and returns data of the shape the panel that shows it needs.
func TestQueriesRun(t *testing.T) {
	e := sharedEnv(t)
	m, err := modcheck.Load(mod.Files, "mod", nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := panelKinds(m)
	for _, q := range m.Queries {
		t.Run(q.Name, func(t *testing.T) {
			args := []string{"query", "run", q.Name, "--output", "json", "--progress=false"}
			if slices.ContainsFunc(q.Params, func(p modcheck.Param) bool { return p.Name == "agent_id" }) {
				args = append(args, "--arg", "agent_id="+detailAgent)
			}
			res := run(t, e.pp, exitOK, args...)
			p := panel{Name: q.Name, PanelType: kinds[q.Name]}
			data := decode[panelData](t, res)
			p.Data = &data
			if problem := shapeProblem(p); problem != "" {
				t.Errorf("shown as a %s: %s", p.PanelType, problem)
			}
		})
	}
}

// panelKinds maps each query to the kind of panel that shows it: card, chart, table, input.
func panelKinds(m *modcheck.Mod) map[string]string {
	out := map[string]string{}
	for _, d := range m.Dashboards {
		for _, p := range d.Panels {
			out[p.Query] = p.Kind
		}
	}
	return out
}
