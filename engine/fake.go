package engine

import (
	"context"
	"fmt"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
)

// FakeHCL is a connection body pointing at a fake API with the given key; append settings
// (agent_ids, last, max_concurrency...) to try them.
func FakeHCL(srv *fakeapi.Server, apiKey string) string {
	return fmt.Sprintf("api_key  = %q\nbase_url = %q\n", apiKey, srv.URL)
}

// OpenWithFake starts a fake Bluejay API on a loopback port, with its seeded sample data, and
// opens a database pointed at it. The caller closes both. The key is opts.APIKey, or the fake's
// default, so an environment BLUEJAY_API_KEY never leaks into the test.
func OpenWithFake(ctx context.Context, opts fakeapi.Options) (*DB, *fakeapi.Server, error) {
	srv := fakeapi.NewServer(opts)
	key := opts.APIKey
	if key == "" {
		key = fakeapi.DefaultAPIKey
	}
	db, err := Open(ctx, Config{HCL: FakeHCL(srv, key)})
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return db, srv, nil
}
