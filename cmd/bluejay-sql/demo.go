package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/bluejay-community/steampipe-plugin-bluejay/engine"
	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// runDemo starts the fake API in-process with its seeded data and runs engine.Demos against
// it, printing each query's title, SQL and result.
func (a *app) runDemo(ctx context.Context) int {
	srv := fakeapi.NewServer(fakeapi.Options{Now: fakeapi.FrozenNow()}) // today, for the testing tables' age_days
	defer srv.Close()
	db, err := engine.Open(ctx, engine.Config{HCL: engine.FakeHCL(srv, fakeapi.DefaultAPIKey), OnScan: a.scanLogger()})
	if err != nil {
		fmt.Fprintln(a.stderr, "bluejay-sql:", err)
		return exitQuery
	}
	defer db.Close()
	fmt.Fprintf(a.stdout, "Bluejay SQL demo: a fake Bluejay API with sample data is serving on %s\n", srv.URL)
	fmt.Fprintf(a.stdout, "(in this process: no account, no network). Its clock reads %s.\n", srv.Clock().Format("2006-01-02 15:04 MST"))
	status := exitOK
	for i, d := range engine.Demos {
		fmt.Fprintf(a.stdout, "\n== %d. %s ==\n\n%s\n\n", i+1, d.Title, indent(d.SQL))
		if st := a.runOne(ctx, db, d.SQL); st != exitOK {
			status = st
			if st == exitCancelled {
				return st
			}
		}
	}
	fmt.Fprint(a.stdout, demoFooter)
	return status
}

func indent(sql string) string {
	return "  " + strings.ReplaceAll(sql, "\n", "\n  ")
}

const demoFooter = `
Run the same on your own account (key from the Bluejay dashboard: Settings -> API keys):
  BLUEJAY_API_KEY=... bluejay-sql "select agent_id, count(*) from bluejay_call where last = '7days' group by agent_id"
  BLUEJAY_API_KEY=... bluejay-sql                # interactive prompt; .help lists commands
  bluejay-sql --config ~/.steampipe/config/bluejay.spc "select ..."

Or install the plugin into Steampipe (Postgres SQL, dashboards, other plugins):
  make install && steampipe query "select * from bluejay_call where last = '7days' limit 10"
`
