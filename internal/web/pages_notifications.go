package web

// notificationRoutes: the signed-in user's notifications and preferences.
func (s *Web) notificationRoutes() []route { return nil }
