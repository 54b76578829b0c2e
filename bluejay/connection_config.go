package bluejay

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// bluejayConfig is the connection block of bluejay.spc. Every field is optional: a pointer tells
// "not set" (take the environment or the default) from a zero value.
type bluejayConfig struct {
	APIKey         *string  `hcl:"api_key"`
	BaseURL        *string  `hcl:"base_url"`
	AgentIDs       []string `hcl:"agent_ids,optional"`
	Last           *string  `hcl:"last"`
	MaxConcurrency *int     `hcl:"max_concurrency"`
	RequestTimeout *string  `hcl:"request_timeout"`
	MaxRetries     *int     `hcl:"max_retries"`
	MaxRetryTime   *string  `hcl:"max_retry_time"`
}

func configInstance() any {
	return &bluejayConfig{}
}

// Environment variables read when the config leaves a setting out.
const (
	envAPIKey  = "BLUEJAY_API_KEY"
	envBaseURL = "BLUEJAY_BASE_URL"
)

// DefaultMaxConcurrency is how many requests a connection (all its scans together) keeps in
// flight unless its max_concurrency says otherwise. It is exported for the benchmark command, which
// computes the API's bound for a scan from it (see docs/performance.md).
const DefaultMaxConcurrency = 8

// defaultLast is the window a scan reads when neither the query nor the connection names one:
// every call, not the API's own default of one day. PostgreSQL decides which side of a join
// scans first, and often scans the side without quals (docs/joins.md): a one-day default there
// silently drops the older calls the other side's quals asked for.
const defaultLast = "all"

const (
	maxMaxConcurrency = 50
	defaultMaxRetries = 5
	maxMaxRetries     = 20
)

// settings is a connection's config resolved against the environment and the defaults, and
// checked. Everything downstream reads settings, never the raw config.
type settings struct {
	APIKey         string
	BaseURL        string
	AgentIDs       []string
	Last           string
	MaxConcurrency int
	RequestTimeout time.Duration
	MaxRetries     int
	MaxRetryTime   time.Duration
}

// resolveSettings applies config -> environment -> default for each field and checks the
// shape of every value, naming the field and the fix. The API key is not required here: a
// missing key fails the first query instead (see requireAPIKey), so that a connection without
// one still loads its schema.
func resolveSettings(cfg bluejayConfig) (settings, error) {
	s := settings{
		APIKey:         strings.TrimSpace(firstSet(cfg.APIKey, os.Getenv(envAPIKey))),
		BaseURL:        firstSet(cfg.BaseURL, os.Getenv(envBaseURL)),
		Last:           firstSet(cfg.Last, defaultLast),
		MaxConcurrency: DefaultMaxConcurrency,
	}
	if _, err := api.ParseBaseURL(s.BaseURL); err != nil {
		return settings{}, fmt.Errorf("%s%w", configErrorPrefix, err)
	}
	if s.BaseURL == "" {
		s.BaseURL = api.DefaultBaseURL
	}
	if err := checkWindow(s.Last); err != nil {
		return settings{}, fmt.Errorf("%s%w", configErrorPrefix, err)
	}
	ids, err := checkAgentIDs(cfg.AgentIDs)
	if err != nil {
		return settings{}, err
	}
	s.AgentIDs = ids
	if err := s.setLimits(cfg); err != nil {
		return settings{}, err
	}
	return s, nil
}

func (s *settings) setLimits(cfg bluejayConfig) error {
	if cfg.MaxConcurrency != nil {
		if *cfg.MaxConcurrency < 1 || *cfg.MaxConcurrency > maxMaxConcurrency {
			return fmt.Errorf(configErrorPrefix+"max_concurrency = %d is out of range; use 1 (one page at a time) to %d", *cfg.MaxConcurrency, maxMaxConcurrency)
		}
		s.MaxConcurrency = *cfg.MaxConcurrency
	}
	if cfg.MaxRetries != nil {
		if *cfg.MaxRetries < 0 || *cfg.MaxRetries > maxMaxRetries {
			return fmt.Errorf(configErrorPrefix+"max_retries = %d is out of range; use 0 (no retries) to %d", *cfg.MaxRetries, maxMaxRetries)
		}
		s.MaxRetries = *cfg.MaxRetries
	} else {
		s.MaxRetries = defaultMaxRetries
	}
	var err error
	if s.RequestTimeout, err = parseDuration("request_timeout", cfg.RequestTimeout); err != nil {
		return err
	}
	s.MaxRetryTime, err = parseDuration("max_retry_time", cfg.MaxRetryTime)
	return err
}

func parseDuration(field string, v *string) (time.Duration, error) {
	if v == nil {
		return 0, nil
	}
	d, err := time.ParseDuration(*v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf(configErrorPrefix+"%s = %q is not a positive duration; write it like \"30s\" or \"2m\"", field, *v)
	}
	return d, nil
}

func checkAgentIDs(ids []string) ([]string, error) {
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf(configErrorPrefix+"agent_ids[%d] is empty; list agent ids such as [\"42\"], or leave agent_ids out to read every agent", i)
		}
		out = append(out, id)
	}
	return out, nil
}

func firstSet(v *string, fallback string) string {
	if v != nil {
		return *v
	}
	return fallback
}

func windowList() string {
	return "'" + strings.Join(api.Windows, "', '") + "'"
}

// keyHint says where an API key goes: the connection's api_key, wherever the connection is
// defined (a Steampipe config file, a Postgres server's options, bluejay-sql --config), or the
// environment variable. Errors carry no connection name: Steampipe puts it first.
const keyHint = "set the connection's api_key, or the " + envAPIKey + " environment variable (the Steampipe CLI reads api_key from the connection block in ~/.steampipe/config/bluejay.spc)"

// configErrorPrefix starts every message about a setting of the connection config.
const configErrorPrefix = "connection config: "

// requireAPIKey is the first thing a query checks: the error names both places a key can go.
func (s settings) requireAPIKey() error {
	if s.APIKey != "" {
		return nil
	}
	return errors.New("no API key: " + keyHint)
}

// connectionSettings reads a query's connection config. Config that fails to resolve never gets
// here (the connection fails to load), so an error is unexpected and still reported.
func connectionSettings(conn *plugin.Connection) (settings, error) {
	cfg := bluejayConfig{}
	if conn != nil && conn.Config != nil {
		c, ok := conn.Config.(bluejayConfig)
		if !ok {
			return settings{}, fmt.Errorf("unexpected connection config type %T", conn.Config)
		}
		cfg = c
	}
	return resolveSettings(cfg)
}
