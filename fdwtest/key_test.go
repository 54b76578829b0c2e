package fdwtest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness/pgfdw"
)

// TestFDWKeyFromEnvironment: the safe setup for PostgreSQL keeps the key out of the server's
// options (readable by any role in pg_foreign_server.srvoptions): BLUEJAY_API_KEY in the
// server's environment, a config without api_key. The plugin in the backend picks it up, and
// the key is nowhere in the catalog.
func TestFDWKeyFromEnvironment(t *testing.T) {
	skipOrFail(t, pgfdw.Installed())
	env, err := pgfdw.StartEnv(context.Background(), pgfdw.EnvOptions{
		API:       fakeapi.Options{APIKey: "key-from-the-environment"},
		Config:    map[string]any{"api_key": nil},
		ServerEnv: []string{"BLUEJAY_API_KEY=key-from-the-environment"},
	})
	skipOrFail(t, err)
	defer env.Close()
	s := session(t, env, false)
	want := len(env.API.Expected("42", "", "7days"))
	if got := count(t, s, "select count(*) from bluejay_call where agent_id = '42' and last = '7days'"); got != want {
		t.Fatalf("got %d calls, want %d", got, want)
	}
	r := query(t, s, "select srvoptions::text from pg_foreign_server")
	if strings.Contains(fmt.Sprint(r.Rows), "key-from-the-environment") || strings.Contains(fmt.Sprint(r.Rows), "api_key") {
		t.Fatalf("the server's options hold the key: %v", r.Rows)
	}
}
