package harness

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/shared"
	"google.golang.org/grpc/status"
)

// DefaultPluginName is used as the go-plugin dispense key and as
// Plugin/PluginShortName/PluginInstance in the connection configs. The name is
// client-side only as far as the protocol goes (the server registers its gRPC
// service regardless of name), exactly as the CLI uses an image ref there.
const DefaultPluginName = "bluejay"

// Options configures Start.
type Options struct {
	// Binary is the plugin executable; empty means Build().
	Binary string
	// Env is extra environment for the plugin process on top of this
	// process's environment (these win), e.g. "STEAMPIPE_LOG_LEVEL=TRACE".
	Env []string
	// LogOutput receives everything the plugin prints (its hclog/stderr lines
	// byte for byte, plus anything it writes to os.Stdout/os.Stderr after
	// serving starts) and the go-plugin client's own log lines. nil discards.
	// Writes are serialised, so any io.Writer is fine; see LogBuffer.
	LogOutput io.Writer
	// PluginName overrides DefaultPluginName.
	PluginName string
	// StartTimeout bounds the handshake (go-plugin's default is one minute).
	StartTimeout time.Duration

	// Cache settings sent with SetCacheOptions after the connection configs,
	// like the CLI's service cache options. Caching is off unless
	// CacheEnabled: a query is only cached when both this and Query.Cache
	// are true (the SDK ANDs them).
	CacheEnabled   bool
	CacheTTL       int64 // seconds; 0 -> DefaultCacheTTL
	CacheMaxSizeMb int64 // 0 -> unlimited
}

// DefaultCacheTTL (seconds) is the CLI's default cache TTL, used when
// Options.CacheTTL or Query.CacheTTL is zero.
const DefaultCacheTTL = 300

// Connection is one connection config as the CLI sends it.
type Connection struct {
	Name string
	// Config is the HCL body of the connection block (see Config()).
	Config string
	// Children makes this an aggregator connection over the named
	// connections. Queries against it fan out to the children, as Steampipe
	// does.
	Children []string
}

// Plugin is one running plugin process.
type Plugin struct {
	name   string
	opts   Options
	client *goplugin.Client
	stub   shared.WrapperPluginClient
	ops    *proto.GetSupportedOperationsResponse
	pid    int

	// connMu serialises connection/cache updates; queries do not take it.
	connMu sync.Mutex

	mu          sync.Mutex
	connections map[string]Connection
	schemas     map[string]*proto.Schema

	closeOnce sync.Once
}

// go-plugin reports a plugin that printed something other than the handshake
// on stdout with this text around it; the SDK's Serve prints its startup
// panics there prefixed with pluginStartupFailure. (Copied from the SDK's
// plugin package to avoid linking the whole plugin server into the harness.)
const (
	unrecognizedRemotePluginMessage       = "Unrecognized remote plugin message:"
	unrecognizedRemotePluginMessageSuffix = "\nThis usually means"
	pluginStartupFailure                  = "Plugin startup failed: "
)

// Start launches the plugin the way the Steampipe plugin manager does:
// go-plugin client with the SDK handshake and gRPC only, Dispense of the
// WrapperPlugin stub, then GetSupportedOperations. The plugin is not usable
// for queries until SetConnections has been called.
func Start(opts Options) (*Plugin, error) {
	if opts.Binary == "" {
		bin, err := Build()
		if err != nil {
			return nil, err
		}
		opts.Binary = bin
	}
	if opts.PluginName == "" {
		opts.PluginName = DefaultPluginName
	}
	out := io.Discard
	if opts.LogOutput != nil {
		out = &lockedWriter{w: opts.LogOutput}
	}

	cmd := exec.Command(opts.Binary)
	// go-plugin appends the host environment *after* cmd.Env unless
	// SkipHostEnv is set, which would let the host's values override
	// opts.Env; so build the full environment here, extras last.
	cmd.Env = append(os.Environ(), opts.Env...)

	logger := hclog.New(&hclog.LoggerOptions{
		Name:   "harness",
		Output: out,
		Level:  hclog.Debug,
	})

	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  shared.Handshake,
		Plugins:          map[string]goplugin.Plugin{opts.PluginName: &shared.WrapperPlugin{}},
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		StartTimeout:     opts.StartTimeout,
		Logger:           stderrSkippingLogger{Logger: logger, skip: filepath.Base(opts.Binary)},
		// The SDK's logger captured the real stderr before go-plugin's
		// Serve took over os.Stderr, so plugin logs arrive here raw...
		Stderr: out,
		// ...while later writes to os.Stdout/os.Stderr inside the plugin
		// (fmt.Println debugging, libraries) are relayed over gRPC stdio.
		SyncStdout: out,
		SyncStderr: out,
	})

	rpcClient, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("harness: start plugin %s: %w", opts.Binary, startFailure(err))
	}
	raw, err := rpcClient.Dispense(opts.PluginName)
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("harness: dispense: %w", err)
	}
	stub, ok := raw.(shared.WrapperPluginClient)
	if !ok {
		client.Kill()
		return nil, fmt.Errorf("harness: dispensed %T, not a WrapperPluginClient", raw)
	}

	p := &Plugin{
		name:        opts.PluginName,
		opts:        opts,
		client:      client,
		stub:        stub,
		connections: map[string]Connection{},
		schemas:     map[string]*proto.Schema{},
	}
	if rc := client.ReattachConfig(); rc != nil {
		p.pid = rc.Pid
	}

	// The plugin manager asks first and refuses plugins without
	// multi-connection support; do the same so a stale SDK shows up early.
	ops, err := stub.GetSupportedOperations(&proto.GetSupportedOperationsRequest{})
	if err != nil {
		p.Close()
		return nil, rpcError("GetSupportedOperations", err)
	}
	if !ops.MultipleConnections {
		p.Close()
		return nil, errors.New("harness: plugin does not support multiple connections (SDK too old for Steampipe)")
	}
	p.ops = ops
	return p, nil
}

func startFailure(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, unrecognizedRemotePluginMessage); i >= 0 {
		msg = msg[i+len(unrecognizedRemotePluginMessage):]
		if j := strings.Index(msg, unrecognizedRemotePluginMessageSuffix); j >= 0 {
			msg = msg[:j]
		}
		msg = strings.TrimSpace(msg)
		if rest, ok := strings.CutPrefix(msg, pluginStartupFailure); ok {
			msg = rest
		}
		return fmt.Errorf("%s (%w)", msg, err)
	}
	return err
}

// Close kills the plugin process (go-plugin first asks it to exit, then
// kills it after a grace period). Safe to call more than once.
func (p *Plugin) Close() {
	p.closeOnce.Do(func() { p.client.Kill() })
}

// Exited reports whether the plugin process has exited (e.g. crashed).
func (p *Plugin) Exited() bool { return p.client.Exited() }

// Pid is the plugin process id.
func (p *Plugin) Pid() int { return p.pid }

// SupportedOperations is what the plugin answered at Start.
func (p *Plugin) SupportedOperations() *proto.GetSupportedOperationsResponse { return p.ops }

// PeakRSSBytes is the plugin process's peak resident set size (VmHWM from
// /proc/<pid>/status; Linux only). It must be read before Close.
func (p *Plugin) PeakRSSBytes() (int64, error) { return p.procStatusBytes("VmHWM") }

// RSSBytes is the plugin process's current resident set size (VmRSS).
func (p *Plugin) RSSBytes() (int64, error) { return p.procStatusBytes("VmRSS") }

func (p *Plugin) procStatusBytes(field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.pid))
	if err != nil {
		return 0, fmt.Errorf("harness: %s: %w", field, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest) // e.g. "12345 kB"
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("harness: unexpected %s line %q", field, sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("harness: %s: %w", field, err)
		}
		return kb * 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("harness: no %s in /proc/%d/status", field, p.pid)
}

func (p *Plugin) connectionConfig(c Connection) *proto.ConnectionConfig {
	cc := &proto.ConnectionConfig{
		Connection:       c.Name,
		Plugin:           p.name,
		PluginShortName:  p.name,
		PluginInstance:   p.name,
		Config:           c.Config,
		ChildConnections: c.Children,
	}
	if len(c.Children) > 0 {
		cc.Type = "aggregator"
	}
	return cc
}

// SetConnections loads connection configs the way the plugin manager does
// when it starts a plugin: SetAllConnectionConfigs with MaxCacheSizeMb -1
// (meaning "cache options follow separately"), then SetCacheOptions (from
// Options), then SetRateLimiters with no user-defined limiters.
//
// SetCacheOptions is not optional: the SDK only creates its query cache
// there, and Execute dereferences it, so every query fails until it has been
// called. It is sent even when some connection failed, so the good ones work.
//
// About failures: the SDK server returns a gRPC error whenever any connection
// fails (e.g. a config that does not parse), and gRPC drops the response that
// carries the per-connection map; so a bad config shows up as err (whose
// message names the connection), and failed is only non-empty for failures the
// SDK reports without erroring. The connections that did load are usable.
//
// Calling it again upserts (adds or replaces) the given connections and
// rebuilds the query cache; it never removes connections (see
// UpdateConnections for the CLI's refresh path).
func (p *Plugin) SetConnections(conns ...Connection) (failed map[string]string, err error) {
	p.connMu.Lock()
	defer p.connMu.Unlock()

	req := &proto.SetAllConnectionConfigsRequest{MaxCacheSizeMb: -1}
	for _, c := range conns {
		req.Configs = append(req.Configs, p.connectionConfig(c))
	}
	resp, setErr := p.stub.SetAllConnectionConfigs(req)
	if setErr != nil {
		err = rpcError("SetAllConnectionConfigs", setErr)
	} else {
		failed = resp.GetFailedConnections()
	}
	p.rememberConnections(conns, nil)

	if cacheErr := p.setCacheOptions(); cacheErr != nil {
		return failed, errors.Join(err, cacheErr)
	}
	if p.ops.GetRateLimiters() {
		if _, rlErr := p.stub.SetRateLimiters(&proto.SetRateLimitersRequest{}); rlErr != nil {
			return failed, errors.Join(err, rpcError("SetRateLimiters", rlErr))
		}
	}
	return failed, err
}

// UpdateConnections sends UpdateConnectionConfigs, the call the CLI makes
// when connection config files change while the plugin is running (this is
// the path that triggers a plugin's ConnectionConfigChangedFunc). Note the SDK
// server (v5.14.1) always returns an empty failed-connections map here, so a
// bad config in added/changed is only visible when querying it.
func (p *Plugin) UpdateConnections(added, changed []Connection, deleted []string) (failed map[string]string, err error) {
	p.connMu.Lock()
	defer p.connMu.Unlock()

	req := &proto.UpdateConnectionConfigsRequest{}
	for _, c := range added {
		req.Added = append(req.Added, p.connectionConfig(c))
	}
	for _, c := range changed {
		req.Changed = append(req.Changed, p.connectionConfig(c))
	}
	p.mu.Lock()
	for _, name := range deleted {
		c, ok := p.connections[name]
		if !ok {
			c = Connection{Name: name}
		}
		req.Deleted = append(req.Deleted, p.connectionConfig(c))
	}
	p.mu.Unlock()

	resp, err := p.stub.UpdateConnectionConfigs(req)
	p.rememberConnections(append(added, changed...), deleted)
	if err != nil {
		return nil, rpcError("UpdateConnectionConfigs", err)
	}
	return resp.GetFailedConnections(), nil
}

func (p *Plugin) rememberConnections(set []Connection, deleted []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range set {
		p.connections[c.Name] = c
	}
	for _, name := range deleted {
		delete(p.connections, name)
	}
	// Schemas may depend on config (dynamic plugins); fetch afresh.
	p.schemas = map[string]*proto.Schema{}
}

func (p *Plugin) setCacheOptions() error {
	ttl := p.opts.CacheTTL
	if ttl == 0 {
		ttl = DefaultCacheTTL
	}
	_, err := p.stub.SetCacheOptions(&proto.SetCacheOptionsRequest{
		Enabled:   p.opts.CacheEnabled,
		Ttl:       ttl,
		MaxSizeMb: p.opts.CacheMaxSizeMb,
	})
	if err != nil {
		return rpcError("SetCacheOptions", err)
	}
	return nil
}

// ClearCache drops the plugin's query cache entries for one connection
// (SetConnectionCacheOptions with ClearCacheForConnection).
func (p *Plugin) ClearCache(connection string) error {
	_, err := p.stub.SetConnectionCacheOptions(&proto.SetConnectionCacheOptionsRequest{ClearCacheForConnection: connection})
	if err != nil {
		return rpcError("SetConnectionCacheOptions", err)
	}
	return nil
}

// Schema returns GetSchema for the connection (cached until connections
// change). The connection must have been set first.
func (p *Plugin) Schema(connection string) (*proto.Schema, error) {
	p.mu.Lock()
	s := p.schemas[connection]
	p.mu.Unlock()
	if s != nil {
		return s, nil
	}
	resp, err := p.stub.GetSchema(&proto.GetSchemaRequest{Connection: connection})
	if err != nil {
		return nil, rpcError("GetSchema", err)
	}
	p.mu.Lock()
	p.schemas[connection] = resp.GetSchema()
	p.mu.Unlock()
	return resp.GetSchema(), nil
}

// TableColumns lists a table's column names in schema order (which includes
// the SDK's own sp_connection_name, sp_ctx and _ctx columns).
func (p *Plugin) TableColumns(connection, table string) ([]string, error) {
	s, err := p.Schema(connection)
	if err != nil {
		return nil, err
	}
	ts, ok := s.GetSchema()[table]
	if !ok {
		return nil, fmt.Errorf("harness: connection %q has no table %q", connection, table)
	}
	cols := make([]string, 0, len(ts.Columns))
	for _, c := range ts.Columns {
		cols = append(cols, c.Name)
	}
	return cols, nil
}

// RPCError is a failed plugin call, unwrapped from its gRPC status the way
// the SDK's HandleGrpcError does, but keeping the status code.
type RPCError struct {
	Call    string // e.g. "Execute"
	Code    string // gRPC code name, e.g. "Unknown", "Internal", "Unavailable"
	Message string // what the plugin returned
	Err     error  // the original error
}

func (e *RPCError) Error() string { return e.Message }
func (e *RPCError) Unwrap() error { return e.Err }

func rpcError(call string, err error) error {
	if err == nil {
		return nil
	}
	if st, ok := status.FromError(err); ok {
		return &RPCError{Call: call, Code: st.Code().String(), Message: st.Message(), Err: err}
	}
	return &RPCError{Call: call, Code: "", Message: err.Error(), Err: err}
}
