;; cybersecurity-insurance-defi
;; Cover for listed, audited protocols: quote, purchase-coverage, policy lookups, expiry.
;; Premiums go straight to the capital pool; this contract holds no STX.

;; ---------------------------------------------------------------------------------------------
;; Errors (band u4000)
;; ---------------------------------------------------------------------------------------------
(define-constant ERR-COVER-PAUSED (err u4001))
(define-constant ERR-COVERAGE-TOO-SMALL (err u4002))
(define-constant ERR-INVALID-DURATION (err u4003))
(define-constant ERR-INSUFFICIENT-CAPACITY (err u4004))
(define-constant ERR-PROTOCOL-CAP-EXCEEDED (err u4005))
(define-constant ERR-PREMIUM-ABOVE-MAX (err u4006))
(define-constant ERR-UNKNOWN-POLICY (err u4007))
(define-constant ERR-POLICY-NOT-ACTIVE (err u4008))
(define-constant ERR-POLICY-NOT-DUE (err u4009))
(define-constant ERR-NOT-AUTHORIZED (err u4010))
(define-constant ERR-EXCEEDS-COVER (err u4011))
(define-constant ERR-INCOMPLETE-PROOF (err u4012))

;; ---------------------------------------------------------------------------------------------
;; Constants
;; ---------------------------------------------------------------------------------------------
(define-constant STATUS-ACTIVE u1)    ;; bought; cover applies from active-from until ends-at
(define-constant STATUS-EXPIRED u2)   ;; term over, capacity released (claims still possible in grace)
(define-constant STATUS-EXHAUSTED u3) ;; all cover paid out

(define-constant BPS u10000)
(define-constant SECONDS-PER-DAY u86400)
(define-constant DAYS-PER-YEAR u365)

;; ---------------------------------------------------------------------------------------------
;; State
;; ---------------------------------------------------------------------------------------------
(define-data-var last-policy-id uint u0)
(define-data-var covered-protocols uint u0) ;; protocols with active cover above zero

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
  claims-pause-clock: uint,  ;; the council's claims-pause clock at purchase (see claims-assessment)
  capital-premium: uint      ;; the providers' part of the premium, kept out of capacity while the policy runs
})

;; Active cover per protocol, and append-only indexes so readers can list policies without a loop.
(define-map protocol-coverage uint uint)
(define-map holder-policy-count principal uint)
(define-map holder-policies { holder: principal, index: uint } uint)
(define-map protocol-policy-count uint uint)
(define-map protocol-policies { protocol-id: uint, index: uint } uint)

;; ---------------------------------------------------------------------------------------------
;; Helpers
;; ---------------------------------------------------------------------------------------------
(define-private (param (name (string-ascii 32)))
  (contract-call? .insurance-council get-parameter name))

(define-private (div-ceil (a uint) (b uint))
  (if (is-eq a u0) u0 (+ (/ (- a u1) b) u1)))

;; ---------------------------------------------------------------------------------------------
;; Pricing
;; ---------------------------------------------------------------------------------------------
;; premium = base + surcharge, base = ceil(amount x rate x days / 365) at the protocol's risk rate, and
;; the pool adds the utilization surcharge: base x slope x the mean of the pool's utilization before and
;; after this purchase, rounded up (so splitting one purchase into several costs at least as much as
;; buying it at once; see capital-pool's `price`).
;; The checks this contract makes before the pool is asked, in order; returns the base premium.
(define-private (check-terms (terms { cover-paused: bool, claims-pause-clock: uint, waiting-period: uint, min-coverage: uint,
                                       min-duration-days: uint, max-duration-days: uint, utilization-slope-bps: uint })
                             (protocol-id uint) (coverage-amount uint) (duration-days uint))
  (let ((not-paused (asserts! (not (get cover-paused terms)) ERR-COVER-PAUSED))
        (risk (try! (contract-call? .protocol-registry check-insurable protocol-id))))
    (asserts! (>= coverage-amount (get min-coverage terms)) ERR-COVERAGE-TOO-SMALL)
    (asserts! (and (>= duration-days (get min-duration-days terms)) (<= duration-days (get max-duration-days terms)))
              ERR-INVALID-DURATION)
    (ok (merge risk { base-premium: (div-ceil (* (* coverage-amount (get rate-bps risk)) duration-days) (* DAYS-PER-YEAR BPS)) }))))

;; Every check purchase-coverage makes is made here too, so a quote that answers (ok ...) is a purchase
;; that will succeed in the same block for the quoted premium.
(define-read-only (quote (protocol-id uint) (coverage-amount uint) (duration-days uint))
  (let ((terms (contract-call? .insurance-council get-cover-terms))
        (risk (try! (check-terms terms protocol-id coverage-amount duration-days)))
        (priced (contract-call? .capital-pool quote-cover coverage-amount (get base-premium risk)
                                (get utilization-slope-bps terms) (+ (get-protocol-coverage protocol-id) coverage-amount))))
    (asserts! (get fits-capacity priced) ERR-INSUFFICIENT-CAPACITY)
    (asserts! (get fits-protocol-cap priced) ERR-PROTOCOL-CAP-EXCEEDED)
    (ok { premium: (get premium priced), base-premium: (get base-premium risk), rate-bps: (get rate-bps risk),
          tier: (get tier risk), risk-score: (get score risk), utilization-bps: (get utilization-bps priced) })))

;; ---------------------------------------------------------------------------------------------
;; Buying cover
;; ---------------------------------------------------------------------------------------------
(define-public (purchase-coverage (protocol-id uint) (coverage-amount uint) (duration-days uint) (max-premium uint))
  (let ((terms (contract-call? .insurance-council get-cover-terms))
        (risk (try! (check-terms terms protocol-id coverage-amount duration-days)))
        (now stacks-block-time)
        (active-from (+ now (get waiting-period terms)))
        (ends-at (+ active-from (* duration-days SECONDS-PER-DAY)))
        (cover-before (get-protocol-coverage protocol-id))
        (protocol-cover (+ cover-before coverage-amount))
        ;; The pool prices the cover and books it (taking the premium) only if it passes the checks below.
        (booked (try! (contract-call? .capital-pool underwrite coverage-amount (get base-premium risk)
                                      (get utilization-slope-bps terms) protocol-cover ends-at max-premium)))
        (premium (get premium booked))
        (policy-id (+ (var-get last-policy-id) u1))
        (holder contract-caller)
        (holder-count (default-to u0 (map-get? holder-policy-count holder)))
        (protocol-count (default-to u0 (map-get? protocol-policy-count protocol-id))))
    (asserts! (get fits-capacity booked) ERR-INSUFFICIENT-CAPACITY)
    (asserts! (get fits-protocol-cap booked) ERR-PROTOCOL-CAP-EXCEEDED)
    (asserts! (<= premium max-premium) ERR-PREMIUM-ABOVE-MAX)
    (map-set policies policy-id {
      holder: holder, protocol-id: protocol-id, coverage-amount: coverage-amount, premium: premium,
      rate-bps: (get rate-bps risk), tier: (get tier risk), duration-days: duration-days,
      purchased-at: now, active-from: active-from, ends-at: ends-at,
      remaining-cover: coverage-amount, total-paid: u0, status: STATUS-ACTIVE,
      claims-pause-clock: (get claims-pause-clock terms),
      capital-premium: (get to-capital booked) })
    (map-set protocol-coverage protocol-id protocol-cover)
    (if (is-eq cover-before u0) (var-set covered-protocols (+ (var-get covered-protocols) u1)) true)
    (map-set holder-policies { holder: holder, index: holder-count } policy-id)
    (map-set holder-policy-count holder (+ holder-count u1))
    (map-set protocol-policies { protocol-id: protocol-id, index: protocol-count } policy-id)
    (map-set protocol-policy-count protocol-id (+ protocol-count u1))
    (var-set last-policy-id policy-id)
    (print { topic: "policy-purchased", policy-id: policy-id, protocol-id: protocol-id, holder: holder,
             coverage-amount: coverage-amount, premium: premium, rate-bps: (get rate-bps risk),
             tier: (get tier risk), duration-days: duration-days, active-from: active-from, ends-at: ends-at,
             protocol-coverage: protocol-cover, utilization-bps: (get utilization-bps booked) })
    (ok policy-id)))

;; Claims on a policy may be filed until the end of the grace period after its term, extended by the
;; time claims spent paused since it was bought (the council's pause clock).
(define-private (filing-deadline (ends-at uint) (pause-clock-at-purchase uint))
  (+ ends-at (param "claim-grace-period")
     (- (contract-call? .insurance-council get-claims-pause-clock) pause-clock-at-purchase)))

(define-read-only (get-filing-deadline (policy-id uint))
  (match (map-get? policies policy-id) policy
    (some (filing-deadline (get ends-at policy) (get claims-pause-clock policy)))
    none))

;; Anyone (usually the keeper) may expire a policy once claims on it can no longer be filed; this frees
;; capacity. Until then the cover's backing stays locked, so no provider can leave ahead of a late claim.
(define-public (expire-policy (policy-id uint))
  (let ((policy (unwrap! (map-get? policies policy-id) ERR-UNKNOWN-POLICY))
        (protocol-id (get protocol-id policy))
        (remaining (get remaining-cover policy)))
    (asserts! (is-eq (get status policy) STATUS-ACTIVE) ERR-POLICY-NOT-ACTIVE)
    (asserts! (>= stacks-block-time (filing-deadline (get ends-at policy) (get claims-pause-clock policy))) ERR-POLICY-NOT-DUE)
    (try! (contract-call? .capital-pool remove-cover remaining))
    (let ((protocol-cover (- (get-protocol-coverage protocol-id) remaining)))
      (set-protocol-coverage protocol-id protocol-cover)
      (map-set policies policy-id (merge policy { status: STATUS-EXPIRED }))
      (print { topic: "policy-expired", policy-id: policy-id, protocol-id: protocol-id, holder: (get holder policy),
               released-cover: remaining, protocol-coverage: protocol-cover, expired-by: contract-caller })
      (ok true))))

;; Active cover per protocol, counting the protocols that have some (for refresh-protocol-cap).
(define-private (set-protocol-coverage (protocol-id uint) (cover uint))
  (begin
    (if (and (is-eq cover u0) (> (get-protocol-coverage protocol-id) u0))
      (var-set covered-protocols (- (var-get covered-protocols) u1))
      true)
    (map-set protocol-coverage protocol-id cover)))

;; Lowers the pool's per-protocol bound (which every purchase raises) to the largest cover any protocol
;; has now, once cover has expired or been paid. The caller lists every protocol with cover, in
;; increasing id order: the list is complete when its length is the count of covered protocols.
(define-private (proof-step (protocol-id uint) (acc { last: uint, max: uint, ok: bool }))
  (let ((cover (get-protocol-coverage protocol-id)))
    { last: protocol-id, max: (if (> cover (get max acc)) cover (get max acc)),
      ok: (and (get ok acc) (> protocol-id (get last acc)) (> cover u0)) }))

(define-public (refresh-protocol-cap (covered (list 200 uint)))
  (let ((proof (fold proof-step covered { last: u0, max: u0, ok: true })))
    (asserts! (and (get ok proof) (is-eq (len covered) (var-get covered-protocols))) ERR-INCOMPLETE-PROOF)
    (try! (contract-call? .capital-pool set-protocol-cap-mark (get max proof)))
    (print { topic: "protocol-cap-refreshed", largest-protocol-cover: (get max proof), protocols: (len covered),
             by: contract-caller })
    (ok (get max proof))))

(define-read-only (get-covered-protocol-count) (var-get covered-protocols))

;; The claims contract records a paid claim: the claimed amount comes off the remaining cover (so a
;; policy never pays more than its cover) and, while the policy is active, off the pool's active cover.
(define-public (record-payout (policy-id uint) (amount uint) (paid uint))
  (let ((policy (unwrap! (map-get? policies policy-id) ERR-UNKNOWN-POLICY))
        (protocol-id (get protocol-id policy))
        (was-active (is-eq (get status policy) STATUS-ACTIVE)))
    (asserts! (contract-call? .insurance-council has-role "claims" contract-caller) ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (get remaining-cover policy)) ERR-EXCEEDS-COVER)
    (if was-active
      (begin
        (try! (contract-call? .capital-pool remove-cover amount))
        (set-protocol-coverage protocol-id (- (get-protocol-coverage protocol-id) amount)))
      true)
    (let ((remaining (- (get remaining-cover policy) amount))
          (status (if (is-eq remaining u0) STATUS-EXHAUSTED (get status policy))))
      (map-set policies policy-id
        (merge policy { remaining-cover: remaining, total-paid: (+ (get total-paid policy) paid), status: status }))
      (print { topic: "policy-paid", policy-id: policy-id, protocol-id: protocol-id, holder: (get holder policy),
               claimed: amount, paid: paid, remaining-cover: remaining, total-paid: (+ (get total-paid policy) paid),
               status: status, protocol-coverage: (get-protocol-coverage protocol-id) })
      (ok remaining))))

;; ---------------------------------------------------------------------------------------------
;; Read-only (the seed's names first)
;; ---------------------------------------------------------------------------------------------
(define-read-only (get-policy (policy-id uint))
  (map-get? policies policy-id))

;; What the pool can pay claims with: its assets (capital and premiums), not the claimants' bonds and
;; assessors' rewards it also holds. The raw STX balance is capital-pool's get-pool-balance.
(define-read-only (get-pool-balance)
  (contract-call? .capital-pool get-total-assets))

(define-read-only (get-protocol-coverage (protocol-id uint))
  (default-to u0 (map-get? protocol-coverage protocol-id)))

(define-read-only (get-last-policy-id) (var-get last-policy-id))

;; Cover applies between active-from and ends-at, on a policy that is neither expired nor exhausted.
(define-read-only (is-policy-active (policy-id uint))
  (match (map-get? policies policy-id) policy
    (and (is-eq (get status policy) STATUS-ACTIVE)
         (>= stacks-block-time (get active-from policy))
         (< stacks-block-time (get ends-at policy)))
    false))

(define-read-only (get-holder-policy-count (holder principal))
  (default-to u0 (map-get? holder-policy-count holder)))

(define-read-only (get-holder-policy (holder principal) (index uint))
  (map-get? holder-policies { holder: holder, index: index }))

(define-read-only (get-protocol-policy-count (protocol-id uint))
  (default-to u0 (map-get? protocol-policy-count protocol-id)))

(define-read-only (get-protocol-policy (protocol-id uint) (index uint))
  (map-get? protocol-policies { protocol-id: protocol-id, index: index }))
