;; insurance-council
;; State and roles in one place: the M-of-N council, every governable parameter with its on-chain
;; bounds, role grants (people and the protocol's own contracts), and the emergency pause flags.
;; Every change goes through propose -> approve -> execute. Other contracts only read from here.

;; ---------------------------------------------------------------------------------------------
;; Errors (band u1000)
;; ---------------------------------------------------------------------------------------------
(define-constant ERR-NOT-COUNCIL-MEMBER (err u1000))
(define-constant ERR-UNKNOWN-PARAMETER (err u1001))
(define-constant ERR-PARAMETER-OUT-OF-BOUNDS (err u1002))
(define-constant ERR-UNKNOWN-PROPOSAL (err u1003))
(define-constant ERR-ALREADY-APPROVED (err u1004))
(define-constant ERR-ALREADY-EXECUTED (err u1005))
(define-constant ERR-NOT-ENOUGH-APPROVALS (err u1006))
(define-constant ERR-PROPOSAL-EXPIRED (err u1007))
(define-constant ERR-PROPOSAL-STALE (err u1008))
(define-constant ERR-INVALID-THRESHOLD (err u1009))
(define-constant ERR-ALREADY-MEMBER (err u1010))
(define-constant ERR-NOT-A-MEMBER (err u1011))
(define-constant ERR-COUNCIL-FULL (err u1012))
(define-constant ERR-UNKNOWN-ROLE (err u1013))
(define-constant ERR-PARAMETER-CONFLICT (err u1014))
(define-constant ERR-PROPOSAL-SUPERSEDED (err u1015))
(define-constant ERR-NOT-PROPOSER (err u1016))
(define-constant ERR-PROPOSAL-CANCELLED (err u1017))
(define-constant ERR-NOT-APPROVED (err u1018))
(define-constant ERR-TIMELOCKED (err u1019))

;; ---------------------------------------------------------------------------------------------
;; Constants
;; ---------------------------------------------------------------------------------------------
(define-constant MAX-MEMBERS u20)
(define-constant PROPOSAL-TTL u604800) ;; 7 days to gather approvals, then 7 days to execute once executable
;; Parameter changes and role grants take effect no sooner than the withdrawal cooldown plus a day after
;; they are approved, so that a provider who asks to leave the moment a hostile change is approved is
;; out before it applies.
(define-constant TIMELOCK-MARGIN u86400)

(define-constant KIND-PARAMETER u1)
(define-constant KIND-ROLE u2)
(define-constant KIND-MEMBER u3)
(define-constant KIND-THRESHOLD u4)
(define-constant KIND-PAUSE u5)

;; ---------------------------------------------------------------------------------------------
;; Council membership
;; ---------------------------------------------------------------------------------------------
;; The deployer is the founding member with threshold 1; the council grows itself by proposals.
(define-map members principal bool)
(define-data-var member-count uint u1)
(define-data-var threshold uint u1)
;; Bumped on every membership or threshold change: approvals gathered under an older membership
;; cannot be used to execute (a removed member's approval must not count).
(define-data-var membership-epoch uint u0)
(map-set members tx-sender true)

;; ---------------------------------------------------------------------------------------------
;; Parameters with fixed on-chain bounds
;; ---------------------------------------------------------------------------------------------
(define-map parameters (string-ascii 32) { value: uint, min: uint, max: uint })

(define-private (init-parameter (name (string-ascii 32)) (value uint) (lo uint) (hi uint))
  (map-set parameters name { value: value, min: lo, max: hi }))

;; Time is in seconds (stacks-block-time); rates and ratios in basis points (1 bps = 0.01 %).
(init-parameter "waiting-period" u259200 u3600 u2592000)          ;; 3 days   [1 h .. 30 d]
(init-parameter "min-duration-days" u14 u1 u365)                 ;; 14 days  [1 .. 365]
(init-parameter "max-duration-days" u365 u14 u1095)              ;; 365 days [14 .. 1095]
(init-parameter "min-coverage" u1000000 u1 u1000000000000)       ;; 1 STX
(init-parameter "capacity-ratio-bps" u20000 u5000 u50000)        ;; cover up to 2x capital
(init-parameter "protocol-cap-bps" u5000 u500 u10000)            ;; one protocol <= 50 % of capital
(init-parameter "utilization-slope-bps" u10000 u0 u50000)        ;; premium x2 at 100 % utilization
(init-parameter "rate-tier-1-bps" u200 u10 u5000)                ;; annual rate per risk tier
(init-parameter "rate-tier-2-bps" u350 u10 u5000)
(init-parameter "rate-tier-3-bps" u500 u10 u5000)
(init-parameter "rate-tier-4-bps" u800 u10 u5000)
(init-parameter "rate-tier-5-bps" u1200 u10 u5000)
(init-parameter "min-deposit" u1000000 u1 u1000000000000)        ;; 1 STX
(init-parameter "withdrawal-cooldown" u604800 u86400 u7776000)   ;; 7 days   [1 d .. 90 d]
(init-parameter "withdrawal-window" u604800 u86400 u2592000)     ;; 7 days after unlock [1 d .. 30 d]
(init-parameter "voting-window" u259200 u86400 u1209600)         ;; 3 days   [1 d .. 14 d]
(init-parameter "quorum-bps" u1000 u100 u5000)                   ;; 10 % of active stake
(init-parameter "approval-bps" u6000 u5000 u9000)                ;; above 60 % of voted weight
(init-parameter "veto-window" u86400 u3600 u604800)              ;; 1 day    [1 h .. 7 d]
(init-parameter "shortfall-close-delay" u604800 u86400 u7776000) ;; 7 days after the veto window [1 d .. 90 d]
(init-parameter "claim-grace-period" u1209600 u86400 u5184000)   ;; 14 days  [1 d .. 60 d]
(init-parameter "large-claim-threshold" u100000000000 u1000000 u1000000000000000) ;; 100,000 STX
(init-parameter "large-claim-window" u2592000 u86400 u31536000)  ;; 30 days: claims approved by vote add up [1 d .. 365 d]
(init-parameter "min-voters" u3 u1 u50)                          ;; distinct voters a quorum needs ...
(init-parameter "min-voters-above" u1000000000 u0 u1000000000000000) ;; ... on claims of 1,000 STX or more
(init-parameter "veto-slash-bps" u1000 u0 u5000)                 ;; stake lost by approving a claim vetoed as fraud
(init-parameter "deductible-bps" u1000 u0 u5000)                 ;; 10 % of the claim
(init-parameter "claim-bond-bps" u100 u100 u2000)                ;; 1 % of the claim ... (never below the most reward)
(init-parameter "min-claim-bond" u10000000 u0 u1000000000000)    ;; ... and at least 10 STX
(init-parameter "unstake-cooldown" u604800 u86400 u7776000)      ;; 7 days
(init-parameter "min-stake" u1000000 u1 u1000000000000)          ;; 1 STX
(init-parameter "assessor-fee-bps" u500 u0 u3000)                ;; share of each premium for assessors
(init-parameter "reputation-gain-bps" u1000 u0 u5000)            ;; +0.1x for voting with the outcome
(init-parameter "reputation-loss-bps" u2000 u0 u5000)            ;; -0.2x for voting against it
(init-parameter "assessment-reward-bps" u50 u0 u100)             ;; reward per approved claim: 0.5 % of it (below the bond)
(init-parameter "bond-to-pool-bps" u5000 u1000 u9000)            ;; share of a forfeited bond that goes to the pool

;; ---------------------------------------------------------------------------------------------
;; Roles: people (auditor, risk-oracle) and the protocol's contracts (cover, claims)
;; ---------------------------------------------------------------------------------------------
(define-map roles { role: (string-ascii 32), who: principal } bool)

(define-private (known-role (role (string-ascii 32)))
  (or (is-eq role "auditor") (is-eq role "risk-oracle") (is-eq role "cover") (is-eq role "claims")))

(map-set roles { role: "cover", who: .cybersecurity-insurance-defi } true)
(map-set roles { role: "claims", who: .claims-assessment } true)

;; ---------------------------------------------------------------------------------------------
;; Pause flags (independent: pausing one never changes the other)
;; ---------------------------------------------------------------------------------------------
(define-data-var cover-paused bool false)
(define-data-var claims-paused bool false)
;; A clock of the seconds claims have spent paused, so that a pause does not eat a policy's filing
;; window: the claims contract extends the window by the time the clock ran since the policy was bought.
(define-data-var claims-paused-since uint u0)
(define-data-var claims-paused-total uint u0)

;; ---------------------------------------------------------------------------------------------
;; Proposals
;; ---------------------------------------------------------------------------------------------
(define-data-var last-proposal-id uint u0)

(define-map proposals uint {
  kind: uint,
  proposer: principal,
  created-at: uint,
  approved-at: uint,         ;; when approvals reached the threshold (0 until then)
  epoch: uint,
  approvals: uint,
  executed: bool,
  cancelled: bool,
  name: (string-ascii 32),   ;; parameter name, or role name
  value: uint,               ;; parameter value, or new threshold
  target: principal,         ;; role holder or member
  enabled: bool,             ;; grant/revoke, add/remove
  pause-cover: (optional bool),  ;; none leaves the flag as it is
  pause-claims: (optional bool),
  subject-version: uint      ;; the version of what it changes when it was proposed
})
(define-map approvals { proposal-id: uint, member: principal } bool)

;; What a proposal changes (a parameter, a role of one holder, a member, the threshold, the pause
;; flags) has a version, bumped by every executed change to it. A proposal executes only on the version
;; it was proposed on, so an old approved proposal cannot undo a later decision (an old "unpause"
;; after the council paused again).
(define-map subject-versions { kind: uint, name: (string-ascii 32), target: principal } uint)

(define-private (subject (kind uint) (name (string-ascii 32)) (target principal))
  (if (or (is-eq kind KIND-ROLE) (is-eq kind KIND-MEMBER))
    { kind: kind, name: name, target: target }
    ;; parameters by name; the threshold and the pause flags as one subject each
    { kind: kind, name: (if (is-eq kind KIND-PARAMETER) name ""), target: current-contract }))

(define-private (subject-version (key { kind: uint, name: (string-ascii 32), target: principal }))
  (default-to u0 (map-get? subject-versions key)))

;; ---------------------------------------------------------------------------------------------
;; Read-only
;; ---------------------------------------------------------------------------------------------
(define-read-only (is-member (who principal))
  (default-to false (map-get? members who)))

(define-read-only (get-threshold) (var-get threshold))
(define-read-only (get-member-count) (var-get member-count))
(define-read-only (get-membership-epoch) (var-get membership-epoch))

(define-read-only (get-council)
  { threshold: (var-get threshold), member-count: (var-get member-count), epoch: (var-get membership-epoch) })

(define-read-only (has-role (role (string-ascii 32)) (who principal))
  (default-to false (map-get? roles { role: role, who: who })))

;; An unknown name aborts the whole call (a runtime error, not a value): a typo in a contract must
;; never read as u0 and switch a check off. Readers that may ask for any name use get-parameter-info.
(define-read-only (get-parameter (name (string-ascii 32)))
  (get value (unwrap-panic (map-get? parameters name))))

(define-read-only (get-parameter-info (name (string-ascii 32)))
  (ok (unwrap! (map-get? parameters name) ERR-UNKNOWN-PARAMETER)))

(define-read-only (is-cover-paused) (var-get cover-paused))
(define-read-only (is-claims-paused) (var-get claims-paused))

;; Seconds claims have spent paused since deployment, the current pause included.
(define-read-only (get-claims-pause-clock)
  (+ (var-get claims-paused-total)
     (if (var-get claims-paused) (- stacks-block-time (var-get claims-paused-since)) u0)))


;; The rules one purchase of cover needs, in one call (each separate contract call costs a block's
;; reads): the cover contract's and the pool's.
(define-read-only (get-cover-terms)
  { cover-paused: (var-get cover-paused), claims-pause-clock: (get-claims-pause-clock),
    waiting-period: (get-parameter "waiting-period"), min-coverage: (get-parameter "min-coverage"),
    min-duration-days: (get-parameter "min-duration-days"), max-duration-days: (get-parameter "max-duration-days"),
    utilization-slope-bps: (get-parameter "utilization-slope-bps") })

(define-read-only (get-pool-terms)
  { capacity-ratio-bps: (get-parameter "capacity-ratio-bps"), assessor-fee-bps: (get-parameter "assessor-fee-bps"),
    protocol-cap-bps: (get-parameter "protocol-cap-bps") })

(define-read-only (get-proposal (proposal-id uint))
  (map-get? proposals proposal-id))

(define-read-only (has-approved (proposal-id uint) (member principal))
  (default-to false (map-get? approvals { proposal-id: proposal-id, member: member })))

(define-read-only (get-last-proposal-id) (var-get last-proposal-id))

;; The wait between approval and effect: parameters and roles only (pauses, members and the threshold
;; act at once: a pause protects, and members still need the timelock to change anything that matters).
(define-read-only (get-timelock (kind uint))
  (if (or (is-eq kind KIND-PARAMETER) (is-eq kind KIND-ROLE)) (+ (get-parameter "withdrawal-cooldown") TIMELOCK-MARGIN) u0))

;; Until when a proposal can be approved or executed (none for an unknown proposal).
(define-read-only (get-proposal-expires-at (proposal-id uint))
  (match (map-get? proposals proposal-id) p (some (expires-at (get kind p) (get created-at p) (get approved-at p))) none))

;; When an approved proposal may execute (none before it has its approvals).
(define-read-only (get-executable-at (proposal-id uint))
  (match (map-get? proposals proposal-id) p
    (if (is-eq (get approved-at p) u0) none (some (+ (get approved-at p) (get-timelock (get kind p)))))
    none))

(define-private (expires-at (kind uint) (created-at uint) (approved-at uint))
  (if (is-eq approved-at u0) (+ created-at PROPOSAL-TTL) (+ approved-at (get-timelock kind) PROPOSAL-TTL)))

;; ---------------------------------------------------------------------------------------------
;; Proposing
;; ---------------------------------------------------------------------------------------------
(define-private (create-proposal (kind uint) (name (string-ascii 32)) (value uint) (target principal)
                                 (enabled bool) (pause-cover (optional bool)) (pause-claims (optional bool)))
  (let ((proposal-id (+ (var-get last-proposal-id) u1))
        (approved-at (if (>= u1 (var-get threshold)) stacks-block-time u0)))
    (asserts! (is-member contract-caller) ERR-NOT-COUNCIL-MEMBER)
    (map-set proposals proposal-id {
      kind: kind, proposer: contract-caller, created-at: stacks-block-time, approved-at: approved-at,
      epoch: (var-get membership-epoch), approvals: u1, executed: false, cancelled: false,
      name: name, value: value, target: target, enabled: enabled,
      pause-cover: pause-cover, pause-claims: pause-claims,
      subject-version: (subject-version (subject kind name target)) })
    (map-set approvals { proposal-id: proposal-id, member: contract-caller } true)
    (var-set last-proposal-id proposal-id)
    (print { topic: "council-proposal-created", proposal-id: proposal-id, kind: kind, proposer: contract-caller,
             name: name, value: value, target: target, enabled: enabled,
             pause-cover: pause-cover, pause-claims: pause-claims,
             executable-at: (if (is-eq approved-at u0) u0 (+ approved-at (get-timelock kind))),
             expires-at: (expires-at kind stacks-block-time approved-at) })
    (ok proposal-id)))

;; A parameter proposal is checked against the bounds when proposed and again when executed.
(define-public (propose-parameter (name (string-ascii 32)) (value uint))
  (begin
    (try! (check-parameter name value))
    (create-proposal KIND-PARAMETER name value contract-caller false none none)))

(define-public (propose-role (role (string-ascii 32)) (who principal) (enabled bool))
  (begin
    (asserts! (known-role role) ERR-UNKNOWN-ROLE)
    (create-proposal KIND-ROLE role u0 who enabled none none)))

(define-public (propose-member (who principal) (enabled bool))
  (begin
    (try! (check-member-change who enabled))
    (create-proposal KIND-MEMBER "" u0 who enabled none none)))

(define-public (propose-threshold (new-threshold uint))
  (begin
    (try! (check-threshold new-threshold (var-get member-count)))
    (create-proposal KIND-THRESHOLD "" new-threshold contract-caller false none none)))

;; Each flag is set (some true/false) or left as it is (none): pausing claims never unpauses cover.
(define-public (propose-pause (pause-cover (optional bool)) (pause-claims (optional bool)))
  (create-proposal KIND-PAUSE "" u0 contract-caller false pause-cover pause-claims))

;; ---------------------------------------------------------------------------------------------
;; Approving and executing
;; ---------------------------------------------------------------------------------------------
(define-private (check-live (proposal-id uint))
  (let ((proposal (unwrap! (map-get? proposals proposal-id) ERR-UNKNOWN-PROPOSAL)))
    (asserts! (not (get executed proposal)) ERR-ALREADY-EXECUTED)
    (asserts! (not (get cancelled proposal)) ERR-PROPOSAL-CANCELLED)
    (asserts! (is-eq (get epoch proposal) (var-get membership-epoch)) ERR-PROPOSAL-STALE)
    (asserts! (< stacks-block-time (expires-at (get kind proposal) (get created-at proposal) (get approved-at proposal)))
              ERR-PROPOSAL-EXPIRED)
    (ok proposal)))

(define-public (approve (proposal-id uint))
  (let ((proposal (try! (check-live proposal-id)))
        (count (+ (get approvals proposal) u1))
        ;; The timelock runs from the approval that reaches the threshold.
        (approved-at (if (and (is-eq (get approved-at proposal) u0) (>= count (var-get threshold)))
                       stacks-block-time (get approved-at proposal))))
    (asserts! (is-member contract-caller) ERR-NOT-COUNCIL-MEMBER)
    (asserts! (not (has-approved proposal-id contract-caller)) ERR-ALREADY-APPROVED)
    (map-set approvals { proposal-id: proposal-id, member: contract-caller } true)
    (map-set proposals proposal-id (merge proposal { approvals: count, approved-at: approved-at }))
    (print { topic: "council-proposal-approved", proposal-id: proposal-id, member: contract-caller,
             approvals: count, threshold: (var-get threshold),
             executable-at: (if (is-eq approved-at u0) u0 (+ approved-at (get-timelock (get kind proposal)))) })
    (ok count)))

;; A member takes back an approval before the proposal executes.
(define-public (revoke (proposal-id uint))
  (let ((proposal (try! (check-live proposal-id))))
    (asserts! (has-approved proposal-id contract-caller) ERR-NOT-APPROVED)
    (map-delete approvals { proposal-id: proposal-id, member: contract-caller })
    ;; Below the threshold again: a later approval starts the timelock afresh.
    (map-set proposals proposal-id (merge proposal { approvals: (- (get approvals proposal) u1),
      approved-at: (if (< (- (get approvals proposal) u1) (var-get threshold)) u0 (get approved-at proposal)) }))
    (print { topic: "council-approval-revoked", proposal-id: proposal-id, member: contract-caller,
             approvals: (- (get approvals proposal) u1), threshold: (var-get threshold) })
    (ok (- (get approvals proposal) u1))))

;; The proposer withdraws a proposal that has not executed; it can never execute after that.
(define-public (cancel (proposal-id uint))
  (let ((proposal (try! (check-live proposal-id))))
    (asserts! (is-eq contract-caller (get proposer proposal)) ERR-NOT-PROPOSER)
    (map-set proposals proposal-id (merge proposal { cancelled: true }))
    (print { topic: "council-proposal-cancelled", proposal-id: proposal-id, by: contract-caller })
    (ok true)))

;; Any member may execute once the threshold is met, if nothing changed what it changes meanwhile.
(define-public (execute (proposal-id uint))
  (let ((proposal (try! (check-live proposal-id)))
        (kind (get kind proposal))
        (key (subject kind (get name proposal) (get target proposal))))
    (asserts! (is-member contract-caller) ERR-NOT-COUNCIL-MEMBER)
    (asserts! (>= (get approvals proposal) (var-get threshold)) ERR-NOT-ENOUGH-APPROVALS)
    (asserts! (and (> (get approved-at proposal) u0)
                   (>= stacks-block-time (+ (get approved-at proposal) (get-timelock kind)))) ERR-TIMELOCKED)
    (asserts! (is-eq (get subject-version proposal) (subject-version key)) ERR-PROPOSAL-SUPERSEDED)
    (map-set subject-versions key (+ (subject-version key) u1))
    (try! (if (is-eq kind KIND-PARAMETER) (apply-parameter (get name proposal) (get value proposal))
          (if (is-eq kind KIND-ROLE) (apply-role (get name proposal) (get target proposal) (get enabled proposal))
          (if (is-eq kind KIND-MEMBER) (apply-member (get target proposal) (get enabled proposal))
          (if (is-eq kind KIND-THRESHOLD) (apply-threshold (get value proposal))
          (apply-pause (get pause-cover proposal) (get pause-claims proposal)))))))
    (map-set proposals proposal-id (merge proposal { executed: true }))
    (print { topic: "council-proposal-executed", proposal-id: proposal-id, kind: kind, executor: contract-caller })
    (ok true)))

;; ---------------------------------------------------------------------------------------------
;; Checks and effects of each kind
;; ---------------------------------------------------------------------------------------------
(define-private (check-parameter (name (string-ascii 32)) (value uint))
  (let ((info (unwrap! (map-get? parameters name) ERR-UNKNOWN-PARAMETER)))
    (asserts! (and (>= value (get min info)) (<= value (get max info))) ERR-PARAMETER-OUT-OF-BOUNDS)
    ;; Pairs that must stay ordered.
    (asserts! (not (and (is-eq name "min-duration-days") (> value (get-parameter "max-duration-days")))) ERR-PARAMETER-CONFLICT)
    (asserts! (not (and (is-eq name "max-duration-days") (< value (get-parameter "min-duration-days")))) ERR-PARAMETER-CONFLICT)
    (ok info)))

(define-private (apply-parameter (name (string-ascii 32)) (value uint))
  (let ((info (try! (check-parameter name value))))
    (map-set parameters name (merge info { value: value }))
    (print { topic: "parameter-changed", name: name, old-value: (get value info), value: value })
    (ok true)))

(define-private (apply-role (role (string-ascii 32)) (who principal) (enabled bool))
  (begin
    (if enabled
      (map-set roles { role: role, who: who } true)
      (map-delete roles { role: role, who: who }))
    (print { topic: "role-changed", role: role, who: who, enabled: enabled })
    (ok true)))

(define-private (check-threshold (new-threshold uint) (count uint))
  (begin
    (asserts! (and (>= new-threshold u1) (<= new-threshold count)) ERR-INVALID-THRESHOLD)
    (ok true)))

(define-private (check-member-change (who principal) (enabled bool))
  (if enabled
    (begin
      (asserts! (not (is-member who)) ERR-ALREADY-MEMBER)
      (asserts! (< (var-get member-count) MAX-MEMBERS) ERR-COUNCIL-FULL)
      (ok true))
    (begin
      (asserts! (is-member who) ERR-NOT-A-MEMBER)
      ;; Removing a member may not leave fewer members than the threshold.
      (check-threshold (var-get threshold) (- (var-get member-count) u1)))))

(define-private (apply-member (who principal) (enabled bool))
  (begin
    (try! (check-member-change who enabled))
    (if enabled (map-set members who true) (map-delete members who))
    (var-set member-count (if enabled (+ (var-get member-count) u1) (- (var-get member-count) u1)))
    (var-set membership-epoch (+ (var-get membership-epoch) u1))
    (print { topic: "council-member-changed", who: who, enabled: enabled,
             member-count: (var-get member-count), threshold: (var-get threshold) })
    (ok true)))

(define-private (apply-threshold (new-threshold uint))
  (begin
    (try! (check-threshold new-threshold (var-get member-count)))
    (var-set threshold new-threshold)
    (var-set membership-epoch (+ (var-get membership-epoch) u1))
    (print { topic: "council-threshold-changed", threshold: new-threshold, member-count: (var-get member-count) })
    (ok true)))

(define-private (apply-pause (pause-cover (optional bool)) (pause-claims (optional bool)))
  (let ((claims-now (default-to (var-get claims-paused) pause-claims)))
    (var-set cover-paused (default-to (var-get cover-paused) pause-cover))
    ;; The pause clock starts when claims pause and stops when they resume.
    (if (and claims-now (not (var-get claims-paused))) (var-set claims-paused-since stacks-block-time) true)
    (if (and (not claims-now) (var-get claims-paused))
      (var-set claims-paused-total (+ (var-get claims-paused-total) (- stacks-block-time (var-get claims-paused-since))))
      true)
    (var-set claims-paused claims-now)
    (print { topic: "pause-changed", cover-paused: (var-get cover-paused), claims-paused: claims-now,
             claims-pause-clock: (get-claims-pause-clock) })
    (ok true)))
