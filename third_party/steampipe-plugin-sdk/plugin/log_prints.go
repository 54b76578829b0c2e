package plugin

import "github.com/turbot/steampipe-plugin-sdk/v5/logging"

// logPrints says whether a line with this level prefix would be printed, for the lines whose
// arguments cost more to build than to format (logging.Printf skips only the formatting). In a
// file of its own so that the files it is used in keep their imports.
func logPrints(prefix string) bool {
	return logging.Prints(prefix)
}
