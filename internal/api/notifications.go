package api

// notificationRoutes: the signed-in user's notifications and preferences.
func (a *API) notificationRoutes() []Route { return nil }
