package web

// discussion threads: filled in by its own change.
func (s *Web) threadRoutes() []route { return nil }
