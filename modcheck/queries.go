package modcheck

import "fmt"

// NamedQuery is one SQL statement of the mod, a control's or a dashboard query's, with the
// arguments Powerpipe would bind to its $1, $2...
type NamedQuery struct {
	Name string // "control.<name>" or "query.<name>"
	// SQL is as the mod writes it, for Postgres; SQLiteSQL(SQL) runs on SQLite.
	SQL    string
	Params []Param
	Args   []any
}

// AllQueries lists every control and every named query (the dashboards' panels) with their
// params' defaults; given supplies the params that have none, by name (agent_id for the agent
// detail dashboard). Tests run each on both engines and compare.
func (m *Mod) AllQueries(given map[string]any) ([]NamedQuery, error) {
	var out []NamedQuery
	add := func(name, sql string, params []Param, perr error) error {
		if perr != nil {
			return fmt.Errorf("%s: %w", name, perr)
		}
		args, err := Args(params, given)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, NamedQuery{Name: name, SQL: sql, Params: params, Args: args})
		return nil
	}
	for _, c := range m.Controls {
		if err := add("control."+c.Name, c.SQL, c.Params, c.Err); err != nil {
			return nil, err
		}
	}
	for _, q := range m.Queries {
		if err := add("query."+q.Name, q.SQL, q.Params, q.Err); err != nil {
			return nil, err
		}
	}
	return out, nil
}
