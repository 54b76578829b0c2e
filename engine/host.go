package engine

import (
	"fmt"
	"sort"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc"
	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/bluejay"
)

// host is the plugin served in this process, as Steampipe's "Anywhere" builds do it: the SDK's
// gRPC server object, called directly instead of over go-plugin's socket.
type host struct {
	server     *grpc.PluginServer
	connection string
}

// startHost builds the plugin server and gives it its one connection.
//
// plugin.Server is the in-process half of plugin.Serve: it builds the plugin, sets up its
// logger (stderr, level from STEAMPIPE_LOG_LEVEL, default WARN) and returns the server without
// listening.
func startHost(connection, config string) (*host, error) {
	h := &host{server: plugin.Server(&plugin.ServeOpts{PluginFunc: bluejay.Plugin}), connection: connection}
	if err := h.setConfig(config); err != nil {
		return nil, err
	}
	if err := h.disableQueryCache(); err != nil {
		return nil, err
	}
	return h, nil
}

// setConfig loads the connection. The plugin checks its config while loading (dynamic schema
// mode), so a wrong base_url or last fails here, with the plugin's message.
func (h *host) setConfig(config string) error {
	res, err := h.server.SetAllConnectionConfigs(&proto.SetAllConnectionConfigsRequest{
		Configs: []*proto.ConnectionConfig{{
			Connection:      h.connection,
			Plugin:          bluejay.PluginName,
			PluginShortName: "bluejay",
			PluginInstance:  bluejay.PluginName,
			Config:          config,
		}},
		// -1 says "SetCacheOptions will follow"; any other value makes the SDK build an
		// enabled query cache here.
		MaxCacheSizeMb: -1,
	})
	if res != nil {
		if msg, failed := res.FailedConnections[h.connection]; failed {
			// Named as a scan error is: "<connection>: <the plugin's message>".
			return fmt.Errorf("%s: %s", h.connection, msg)
		}
	}
	return err
}

// disableQueryCache creates the SDK's query cache switched off. The SDK dereferences the cache
// on every Execute, so it must exist; it is off because every SQL scan here must reach the
// plugin (the plugin's own short page memo still dedupes a join's page requests).
func (h *host) disableQueryCache() error {
	_, err := h.server.SetCacheOptions(&proto.SetCacheOptionsRequest{Enabled: false, MaxSizeMb: 1})
	return err
}

// tables returns the connection's tables, sorted by name.
func (h *host) tables() ([]*tableDef, error) {
	res, err := h.server.GetSchema(&proto.GetSchemaRequest{Connection: h.connection})
	if err != nil {
		return nil, err
	}
	schema := res.GetSchema().GetSchema()
	names := make([]string, 0, len(schema))
	for name := range schema {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]*tableDef, 0, len(names))
	for _, name := range names {
		out = append(out, newTableDef(name, schema[name]))
	}
	return out, nil
}
