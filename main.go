// Command steampipe-plugin-bluejay serves the Bluejay plugin to Steampipe over the plugin
// protocol; Steampipe launches it, it is not run by hand.
package main

import (
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/bluejay"
)

func main() {
	plugin.Serve(&plugin.ServeOpts{PluginFunc: bluejay.Plugin})
}
