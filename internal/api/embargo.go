package api

// embargo: filled in by its own change.
func (a *API) embargoRoutes() []Route { return nil }
