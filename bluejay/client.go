package bluejay

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"unicode"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// connClient is one connection's API client with the settings it was built from.
type connClient struct {
	settings settings
	api      *api.Client
	memo     *memo
	budget   *requestBudget
}

// clients holds one client per connection, so every query of a connection shares one HTTP
// connection pool, one page memo and one request budget (budget.go). A client is rebuilt when
// the connection's settings change.
var clients sync.Map // connection name -> *connClient

// connectionClient returns the query's connection client, failing with a message that says
// what to fix when the API key is missing.
func connectionClient(ctx context.Context, d *plugin.QueryData) (*connClient, error) {
	s, err := connectionSettings(d.Connection)
	if err != nil {
		return nil, err
	}
	if err := s.requireAPIKey(); err != nil {
		return nil, err
	}
	if strings.ContainsFunc(s.APIKey, unicode.IsControl) {
		// It cannot go in a header; say so without repeating it.
		return nil, errors.New("api_key contains a control character (a line break or a tab, often pasted with it); set the key again without it")
	}
	name := connectionName(d)
	if cached, ok := clients.Load(name); ok && sameSettings(cached.(*connClient).settings, s) {
		return cached.(*connClient), nil
	}
	c, err := newConnClient(ctx, s)
	if err != nil {
		return nil, err
	}
	return keepClient(name, c), nil
}

// keepClient stores c as the connection's client, unless a query that raced this one (the
// members of an IN list start at once) stored one for the same settings first: then that one is
// the client, so that the connection keeps one request budget.
func keepClient(name string, c *connClient) *connClient {
	for {
		old, loaded := clients.LoadOrStore(name, c)
		if !loaded {
			return c
		}
		if prev := old.(*connClient); sameSettings(prev.settings, c.settings) {
			return prev
		}
		if clients.CompareAndSwap(name, old, c) {
			return c
		}
	}
}

func connectionName(d *plugin.QueryData) string {
	if d.Connection == nil {
		return ""
	}
	return d.Connection.Name
}

func newConnClient(ctx context.Context, s settings) (*connClient, error) {
	retries := s.MaxRetries
	if retries == 0 {
		retries = api.NoRetries
	}
	c, err := api.New(api.Config{
		BaseURL:      s.BaseURL,
		APIKey:       s.APIKey,
		Timeout:      s.RequestTimeout,
		MaxRetries:   retries,
		MaxRetryTime: s.MaxRetryTime,
		Logger:       plugin.Logger(ctx).Named("bluejay-api"),
		UserAgent:    "steampipe-plugin-bluejay",
		KeyHint:      keyHint,
	})
	if err != nil {
		return nil, err
	}
	return &connClient{settings: s, api: c, memo: newMemo(), budget: newRequestBudget(s.MaxConcurrency)}, nil
}

func sameSettings(a, b settings) bool {
	return reflect.DeepEqual(a, b)
}
