package web

// programRoutes: organisations' public disclosure programs.
func (s *Web) programRoutes() []route { return nil }
