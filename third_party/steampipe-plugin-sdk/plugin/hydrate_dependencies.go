package plugin

/*
Deprecated: Use [HydrateConfig] instead.
*/
type HydrateDependencies struct {
	Func    HydrateFunc
	Depends []HydrateFunc
}
