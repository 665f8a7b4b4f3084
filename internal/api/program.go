package api

// programRoutes: organisations' public disclosure programs.
func (a *API) programRoutes() []Route { return nil }
