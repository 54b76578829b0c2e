package pgfdw

import (
	"context"
	"maps"

	"github.com/bluejay-community/steampipe-plugin-bluejay/fakeapi"
	"github.com/bluejay-community/steampipe-plugin-bluejay/harness"
)

// EnvOptions configure an Env.
type EnvOptions struct {
	// API configures the fake Bluejay API the Env starts, unless Server is given.
	API fakeapi.Options
	// Server is a fake API already running, which the Env uses and leaves running.
	Server *fakeapi.Server
	// Config adds to (or, with a nil value, removes from) the connection config, which holds
	// the fake's key and base_url unless told otherwise.
	Config map[string]any
	// ServerEnv is added to the PostgreSQL server's environment.
	ServerEnv []string
	// JIT leaves the server's JIT compiler on (ClusterOptions.JIT).
	JIT bool
	// TCP makes the server listen on 127.0.0.1 (ClusterOptions.TCP).
	TCP bool
}

// Env is what a test or a benchmark of SQL through the FDW needs: a throwaway PostgreSQL
// server with the FDW, a fake Bluejay API, and a database whose connection points at it.
type Env struct {
	Cluster *Cluster
	API     *fakeapi.Server
	DB      *DB
	ownAPI  bool
	// more are the fake APIs of the connections AddConnection added.
	more []*fakeapi.Server
}

// StartEnv starts the fake API, then the server, then creates the database.
func StartEnv(ctx context.Context, opts EnvOptions) (*Env, error) {
	e := &Env{API: opts.Server}
	if e.API == nil {
		e.API, e.ownAPI = fakeapi.NewServer(opts.API), true
	}
	var err error
	if e.Cluster, err = StartCluster(ClusterOptions{Env: opts.ServerEnv, JIT: opts.JIT, TCP: opts.TCP}); err != nil {
		e.Close()
		return nil, err
	}
	if e.DB, err = e.Cluster.CreateDB(ctx, DBOptions{Config: e.config(opts)}); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// AddConnection starts another fake API and adds a connection to it, name, in the Env's
// database (DB.AddConnection): another organisation, with its own key, base URL and data.
// opts.API configures the fake, opts.Config the connection; the rest is ignored.
func (e *Env) AddConnection(ctx context.Context, name string, opts EnvOptions) (*fakeapi.Server, error) {
	api := fakeapi.NewServer(opts.API)
	e.more = append(e.more, api)
	return api, e.DB.AddConnection(ctx, name, connectionConfig(api, opts))
}

func (e *Env) config(opts EnvOptions) string { return connectionConfig(e.API, opts) }

// connectionConfig is a connection to api with the key it accepts, changed by opts.Config.
func connectionConfig(api *fakeapi.Server, opts EnvOptions) string {
	key := opts.API.APIKey
	if key == "" {
		key = fakeapi.DefaultAPIKey
	}
	kv := map[string]any{"api_key": key, "base_url": api.URL}
	maps.Copy(kv, opts.Config)
	for k, v := range kv {
		if v == nil {
			delete(kv, k)
		}
	}
	return harness.Config(kv)
}

// Connect opens a session: a fresh backend, and so a fresh plugin.
func (e *Env) Connect(ctx context.Context, opts SessionOptions) (*Session, error) {
	return e.DB.Connect(ctx, opts)
}

// Close stops the server and the fake API.
func (e *Env) Close() {
	if e.Cluster != nil {
		e.Cluster.Stop()
	}
	if e.ownAPI {
		e.API.Close()
	}
	for _, api := range e.more {
		api.Close()
	}
}
