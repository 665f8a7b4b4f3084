package api

// reportExtraRoutes: triage actions beyond the RM transitions.
func (a *API) reportExtraRoutes() []Route { return nil }
