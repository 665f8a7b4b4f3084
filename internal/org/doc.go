// Package org holds organisations (coordinators, vendors, research teams,
// deployers, ISACs...) and their members.
//
// Invariants:
//   - An organisation's name is unique, compared without case and spacing.
//   - Every change is journaled in its transaction; updates carry the
//     version they are based on and a stale one is refused.
//   - Administrators and coordinator staff manage all organisations; an
//     organisation's own admins manage its details and members. Member lists
//     are visible to the members, staff and administrators only.
//   - An organisation keeps at least one admin once it has one, unless an
//     instance administrator removes them.
package org
