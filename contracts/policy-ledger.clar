;; policy-ledger
;; The policies: their terms, remaining cover and status, the active cover per protocol, and the
;; indexes by holder and by protocol. The cover contract opens and expires policies; the claims contract
;; records payouts. The ledger is its own contract so that both can call it while the cover contract
;; also files claims through the claims contract (the seed's `submit-claim`): Clarity allows no call
;; cycle. Holds no STX.

;; ---------------------------------------------------------------------------------------------
;; Errors (band u7000)
;; ---------------------------------------------------------------------------------------------
(define-constant ERR-NOT-AUTHORIZED (err u7000))
(define-constant ERR-UNKNOWN-POLICY (err u7001))
(define-constant ERR-EXCEEDS-COVER (err u7002))
(define-constant ERR-POLICY-NOT-ACTIVE (err u7003))
(define-constant ERR-INCOMPLETE-PROOF (err u7004))

;; ---------------------------------------------------------------------------------------------
;; Constants
;; ---------------------------------------------------------------------------------------------
(define-constant STATUS-ACTIVE u1)    ;; bought; cover applies from active-from until ends-at
(define-constant STATUS-EXPIRED u2)   ;; term and claims grace over, capacity released
(define-constant STATUS-EXHAUSTED u3) ;; all cover paid out

;; ---------------------------------------------------------------------------------------------
;; State
;; ---------------------------------------------------------------------------------------------
(define-data-var last-policy-id uint u0)
(define-data-var covered-protocols uint u0) ;; protocols with active cover above zero
;; An upper bound of the largest cover on any one protocol: the pool keeps enough capital that this cover
;; stays within the per-protocol cap. Raised by every purchase; lowered on a complete proof
;; (refresh-protocol-cap).
(define-data-var protocol-cap-mark uint u0)

(define-map policies uint {
  holder: principal,
  protocol-id: uint,
  coverage-amount: uint,
  premium: uint,
  rate-bps: uint,
  tier: uint,
  duration-days: uint,
  purchased-at: uint,
  active-from: uint,
  ends-at: uint,
  remaining-cover: uint,
  total-paid: uint,
  status: uint,
  claims-pause-clock: uint,  ;; the council's claims-pause clock at purchase (see get-filing-deadline)
  capital-premium: uint      ;; the providers' part of the premium (earned into the pool over the term)
})

;; Active cover per protocol, and append-only indexes so readers can list policies without a loop.
(define-map protocol-coverage uint uint)
(define-map holder-policy-count principal uint)
(define-map holder-policies { holder: principal, index: uint } uint)
(define-map protocol-policy-count uint uint)
(define-map protocol-policies { protocol-id: uint, index: uint } uint)

;; The council's "cover" and "claims" roles, mirrored so that the purchase path checks them without a
;; call (see sync-role).
(define-map writers { role: (string-ascii 32), who: principal } bool)
(map-set writers { role: "cover", who: .cybersecurity-insurance-defi }
  (contract-call? .insurance-council has-role "cover" .cybersecurity-insurance-defi))
(map-set writers { role: "claims", who: .claims-assessment }
  (contract-call? .insurance-council has-role "claims" .claims-assessment))

;; ---------------------------------------------------------------------------------------------
;; Helpers
;; ---------------------------------------------------------------------------------------------
(define-private (is-writer (role (string-ascii 32)))
  (default-to false (map-get? writers { role: role, who: contract-caller })))

;; Active cover per protocol, counting the protocols that have some (for prove-largest-cover).
(define-private (set-protocol-coverage (protocol-id uint) (before uint) (cover uint))
  (begin
    (if (and (is-eq before u0) (> cover u0)) (var-set covered-protocols (+ (var-get covered-protocols) u1)) true)
    (if (and (> before u0) (is-eq cover u0)) (var-set covered-protocols (- (var-get covered-protocols) u1)) true)
    (map-set protocol-coverage protocol-id cover)))

;; ---------------------------------------------------------------------------------------------
;; Cover contract only
;; ---------------------------------------------------------------------------------------------
;; Records a policy the cover contract sold; returns its id, the protocol's active cover with it, and
;; whether that cover is within `cap-limit` (the pool's per-protocol cap now; the cover contract refuses
;; the purchase otherwise).
(define-public (open-policy (holder principal) (protocol-id uint) (coverage-amount uint) (premium uint) (rate-bps uint)
                            (tier uint) (duration-days uint) (purchased-at uint) (active-from uint) (ends-at uint)
                            (claims-pause-clock uint) (capital-premium uint) (cap-limit uint))
  (let ((policy-id (+ (var-get last-policy-id) u1))
        (before (get-protocol-coverage protocol-id))
        (protocol-cover (+ before coverage-amount))
        (holder-count (get-holder-policy-count holder))
        (protocol-count (get-protocol-policy-count protocol-id))
        (mark (var-get protocol-cap-mark)))
    (asserts! (is-writer "cover") ERR-NOT-AUTHORIZED)
    (if (> protocol-cover mark) (var-set protocol-cap-mark protocol-cover) true)
    (map-set policies policy-id {
      holder: holder, protocol-id: protocol-id, coverage-amount: coverage-amount, premium: premium,
      rate-bps: rate-bps, tier: tier, duration-days: duration-days, purchased-at: purchased-at,
      active-from: active-from, ends-at: ends-at, remaining-cover: coverage-amount, total-paid: u0,
      status: STATUS-ACTIVE, claims-pause-clock: claims-pause-clock, capital-premium: capital-premium })
    (set-protocol-coverage protocol-id before protocol-cover)
    (map-set holder-policies { holder: holder, index: holder-count } policy-id)
    (map-set holder-policy-count holder (+ holder-count u1))
    (map-set protocol-policies { protocol-id: protocol-id, index: protocol-count } policy-id)
    (map-set protocol-policy-count protocol-id (+ protocol-count u1))
    (var-set last-policy-id policy-id)
    (ok { policy-id: policy-id, protocol-coverage: protocol-cover, fits-protocol-cap: (<= protocol-cover cap-limit) })))

;; The term and its claims grace period are over (the cover contract checked): the remaining cover
;; leaves the protocol's active cover. Returns the cover released and the protocol's cover after it.
(define-public (expire-policy (policy-id uint))
  (let ((policy (unwrap! (map-get? policies policy-id) ERR-UNKNOWN-POLICY))
        (protocol-id (get protocol-id policy))
        (before (get-protocol-coverage protocol-id))
        (remaining (get remaining-cover policy)))
    (asserts! (is-writer "cover") ERR-NOT-AUTHORIZED)
    (asserts! (is-eq (get status policy) STATUS-ACTIVE) ERR-POLICY-NOT-ACTIVE)
    (set-protocol-coverage protocol-id before (- before remaining))
    (map-set policies policy-id (merge policy { status: STATUS-EXPIRED }))
    (ok { released: remaining, protocol-coverage: (- before remaining) })))

;; ---------------------------------------------------------------------------------------------
;; Claims contract only
;; ---------------------------------------------------------------------------------------------
;; A paid claim: the claimed amount comes off the remaining cover (so a policy never pays more than its
;; cover) and, while the policy is active, off the protocol's active cover. Returns whether it was active
;; (then the claims contract takes the amount off the pool's active cover too).
(define-public (record-payout (policy-id uint) (amount uint) (paid uint))
  (let ((policy (unwrap! (map-get? policies policy-id) ERR-UNKNOWN-POLICY))
        (protocol-id (get protocol-id policy))
        (before (get-protocol-coverage protocol-id))
        (was-active (is-eq (get status policy) STATUS-ACTIVE))
        (protocol-cover (if was-active (- before amount) before)))
    (asserts! (is-writer "claims") ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (get remaining-cover policy)) ERR-EXCEEDS-COVER)
    (if was-active (set-protocol-coverage protocol-id before protocol-cover) true)
    (let ((remaining (- (get remaining-cover policy) amount))
          (status (if (is-eq remaining u0) STATUS-EXHAUSTED (get status policy))))
      (map-set policies policy-id
        (merge policy { remaining-cover: remaining, total-paid: (+ (get total-paid policy) paid), status: status }))
      (print { topic: "policy-paid", policy-id: policy-id, protocol-id: protocol-id, holder: (get holder policy),
               claimed: amount, paid: paid, remaining-cover: remaining, total-paid: (+ (get total-paid policy) paid),
               status: status, protocol-coverage: protocol-cover })
      (ok { remaining: remaining, was-active: was-active }))))

;; ---------------------------------------------------------------------------------------------
;; Anyone
;; ---------------------------------------------------------------------------------------------
;; Lowers the per-protocol bound to the largest cover any protocol has now, once cover has expired or
;; been paid (the keeper does this). The caller lists every protocol with cover, in increasing id order,
;; each once: the list is complete when its length is the count of covered protocols.
(define-private (proof-step (protocol-id uint) (acc { last: uint, max: uint, ok: bool }))
  (let ((cover (get-protocol-coverage protocol-id)))
    { last: protocol-id, max: (if (> cover (get max acc)) cover (get max acc)),
      ok: (and (get ok acc) (> protocol-id (get last acc)) (> cover u0)) }))

(define-public (refresh-protocol-cap (covered (list 200 uint)))
  (let ((proof (fold proof-step covered { last: u0, max: u0, ok: true })))
    (asserts! (and (get ok proof) (is-eq (len covered) (var-get covered-protocols))) ERR-INCOMPLETE-PROOF)
    (var-set protocol-cap-mark (get max proof))
    (print { topic: "protocol-cap-refreshed", largest-protocol-cover: (get max proof), protocols: (len covered),
             by: contract-caller })
    (ok (get max proof))))

;; Copies the council's current `role` ("cover" or "claims") for `who` into this contract: a grant or a
;; revocation executed by the council counts here once someone syncs it.
(define-public (sync-role (role (string-ascii 32)) (who principal))
  (let ((granted (contract-call? .insurance-council has-role role who)))
    (map-set writers { role: role, who: who } granted)
    (print { topic: "ledger-role-synced", role: role, who: who, granted: granted, by: contract-caller })
    (ok granted)))

;; ---------------------------------------------------------------------------------------------
;; Read-only
;; ---------------------------------------------------------------------------------------------
(define-read-only (get-policy (policy-id uint))
  (map-get? policies policy-id))

;; Claims on a policy may be filed until the end of the grace period after its term, extended by the
;; time claims spent paused since it was bought (the council's pause clock).
(define-read-only (get-filing-deadline (policy-id uint))
  (match (map-get? policies policy-id) policy
    (some (+ (get ends-at policy) (contract-call? .insurance-council get-parameter "claim-grace-period")
             (- (contract-call? .insurance-council get-claims-pause-clock) (get claims-pause-clock policy))))
    none))

(define-read-only (get-protocol-coverage (protocol-id uint))
  (default-to u0 (map-get? protocol-coverage protocol-id)))

(define-read-only (get-covered-protocol-count) (var-get covered-protocols))
(define-read-only (get-last-policy-id) (var-get last-policy-id))

(define-read-only (get-protocol-cap-mark) (var-get protocol-cap-mark))

(define-read-only (is-writer-for (role (string-ascii 32)) (who principal))
  (default-to false (map-get? writers { role: role, who: who })))

(define-read-only (get-holder-policy-count (holder principal))
  (default-to u0 (map-get? holder-policy-count holder)))

(define-read-only (get-holder-policy (holder principal) (index uint))
  (map-get? holder-policies { holder: holder, index: index }))

(define-read-only (get-protocol-policy-count (protocol-id uint))
  (default-to u0 (map-get? protocol-policy-count protocol-id)))

(define-read-only (get-protocol-policy (protocol-id uint) (index uint))
  (map-get? protocol-policies { protocol-id: protocol-id, index: index }))
