/*
Package grpc contains the definition of the [PluginServer] which runs the GRPC plugin, and the [PluginClient],
which provides a simple interface to access the plugin functions.
*/
package grpc
