/*
Package query_cache is a cache used to store query results.

Each plugin process has a single [QueryCache] instance which stores the data for all connections
*/
package query_cache
