// Package credits keeps the credits of a case: who is credited for what
// (the CVE JSON 5 credit types: finder, reporter, analyst, coordinator,
// remediation developer, reviewer and verifier, tool, sponsor, other),
// and the credited person's answer. It is built on cases (credits imports
// cases, never the reverse).
//
// Invariants:
//   - Every change is one transaction that first locks the case
//     ((*cases.Service).Within: changes to one case take turns), then
//     writes the row and appends one journal entry about the credit
//     (object type "credit", object ID the credit's ID, the case's ID in
//     its data). When the credited account takes part in the case (as a
//     person, else through an organisation), the change is also written on
//     the case's timeline with cases.RecordNote, scoped to that
//     participant: the other vendors never see it. A refused change writes
//     nothing. A closed case (cases.Within.Closed) takes no changes.
//   - The credited is an account (UserID) or a name with an optional
//     e-mail address for someone without one, never both.
//   - Those who manage the case (cases.Manages) propose, edit and withdraw
//     credits; edits and withdrawals carry the version they were based on
//     (a stale one is a conflict). Changing what an account is credited
//     for (type, vulnerability, organisation) returns its credit to
//     proposed, so that its user answers again.
//   - The credited user alone accepts or declines a credit of an account,
//     and chooses to stay anonymous and how the name is printed; he need
//     not take part in the case (he finds his credits with Mine). His
//     answer locks the case with cases.Service.Lock, which checks no
//     access: the answer is checked against the credit's user alone. A credit of a name without an account is
//     answered by those who manage the case on the person's behalf, with a
//     reason.
//   - Who sees what is decided by the pure functions of permission.go:
//     those who manage the case and the credited user see a credit whole;
//     the case's other participants see accepted credits only, as printed
//     ("Anonymous" for an anonymous one), without e-mail, account or
//     reasons; participants restricted by an embargo see their own only.
//   - A credit of an account proposed, edited or withdrawn by someone
//     other than the credited enqueues a JobEvent in the change's
//     transaction: notify tells the credited account.
//
// Journal actions: credit.proposed, credit.edited, credit.withdrawn,
// credit.accepted, credit.declined.
package credits
