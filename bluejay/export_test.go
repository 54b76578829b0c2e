package bluejay

// SetCallLogCache turns the SDK's query cache on or off for the call-log tables, for
// BenchmarkExecuteCacheOn's comparison (docs/performance.md), and returns what restores it.
func SetCallLogCache(enabled bool) (restore func()) {
	old := callLogCache.Enabled
	callLogCache.Enabled = enabled
	return func() { callLogCache.Enabled = old }
}
