package web

// vendor status (VEX): filled in by its own change.
func (s *Web) statusRoutes() []route { return nil }
