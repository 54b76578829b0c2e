/*
Package logging contains functions to create the plugin [hclog.Logger]
*/
package logging
