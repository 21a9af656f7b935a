;; cybersecurity-insurance-defi
;; Cover for listed, audited protocols: quote, purchase-coverage, expiry, and the seed's interface in
;; one place: purchase-coverage, submit-claim, get-policy, get-claim, get-pool-balance and
;; get-protocol-coverage. Policies are kept in the policy ledger; claims are filed and judged in the
;; claims contract (submit-claim here files for the caller there). Premiums go straight to the capital
;; pool; this contract holds no STX.

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

;; ---------------------------------------------------------------------------------------------
;; Constants
;; ---------------------------------------------------------------------------------------------
(define-constant STATUS-ACTIVE u1) ;; the policy ledger's status of a policy whose term may still run

(define-constant BPS u10000)
(define-constant SECONDS-PER-DAY u86400)
(define-constant DAYS-PER-YEAR u365)

;; ---------------------------------------------------------------------------------------------
;; Helpers
;; ---------------------------------------------------------------------------------------------
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
                                (get utilization-slope-bps terms))))
    (asserts! (get fits-capacity priced) ERR-INSUFFICIENT-CAPACITY)
    (asserts! (<= (+ (get-protocol-coverage protocol-id) coverage-amount) (get protocol-cap-limit priced))
              ERR-PROTOCOL-CAP-EXCEEDED)
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
        ;; The pool prices the cover and books it (taking the premium) if it fits the capacity and the
        ;; buyer's maximum; the ledger records the policy and says whether the protocol stays within the
        ;; cap. A refusal below undoes both.
        (booked (try! (contract-call? .capital-pool underwrite coverage-amount (get base-premium risk)
                                      (get utilization-slope-bps terms) ends-at max-premium now)))
        (premium (get premium booked))
        (opened (try! (contract-call? .policy-ledger open-policy contract-caller protocol-id coverage-amount premium
                        (get rate-bps risk) (get tier risk) duration-days now active-from ends-at (get claims-pause-clock terms)
                        (get to-capital booked) (get protocol-cap-limit booked))))
        (policy-id (get policy-id opened)))
    (asserts! (get fits-capacity booked) ERR-INSUFFICIENT-CAPACITY)
    (asserts! (get fits-protocol-cap opened) ERR-PROTOCOL-CAP-EXCEEDED)
    (asserts! (<= premium max-premium) ERR-PREMIUM-ABOVE-MAX)
    (print { topic: "policy-purchased", policy-id: policy-id, protocol-id: protocol-id, holder: contract-caller,
             coverage-amount: coverage-amount, premium: premium, rate-bps: (get rate-bps risk),
             tier: (get tier risk), duration-days: duration-days, active-from: active-from, ends-at: ends-at,
             protocol-coverage: (get protocol-coverage opened), utilization-bps: (get utilization-bps booked) })
    (ok policy-id)))

;; Anyone (usually the keeper) may expire a policy once claims on it can no longer be filed; this frees
;; capacity. Until then the cover's backing stays locked, so no provider can leave ahead of a late claim.
(define-public (expire-policy (policy-id uint))
  (let ((policy (unwrap! (get-policy policy-id) ERR-UNKNOWN-POLICY)))
    (asserts! (is-eq (get status policy) STATUS-ACTIVE) ERR-POLICY-NOT-ACTIVE)
    (asserts! (>= stacks-block-time (unwrap-panic (get-filing-deadline policy-id))) ERR-POLICY-NOT-DUE)
    (let ((expired (try! (contract-call? .policy-ledger expire-policy policy-id))))
      (try! (contract-call? .capital-pool remove-cover (get released expired)))
      (print { topic: "policy-expired", policy-id: policy-id, protocol-id: (get protocol-id policy), holder: (get holder policy),
               released-cover: (get released expired), protocol-coverage: (get protocol-coverage expired),
               expired-by: contract-caller })
      (ok true))))

;; ---------------------------------------------------------------------------------------------
;; Claims (the seed's names): filed and judged in claims-assessment
;; ---------------------------------------------------------------------------------------------
;; Files a claim on the caller's policy. The claims contract is told who called here and accepts the
;; claim only if that caller holds the policy, so no one can file for another holder; the bond is paid
;; by the transaction's sender, as when filing in claims-assessment directly.
(define-public (submit-claim (policy-id uint) (amount uint) (incident-time uint) (description (string-utf8 280))
                             (evidence-hash (buff 32)) (evidence-uri (string-ascii 256)))
  (contract-call? .claims-assessment submit-claim-for contract-caller policy-id amount incident-time description
                  evidence-hash evidence-uri))

(define-read-only (get-claim (claim-id uint))
  (contract-call? .claims-assessment get-claim claim-id))

;; ---------------------------------------------------------------------------------------------
;; Read-only (the seed's names first; policies live in the policy ledger)
;; ---------------------------------------------------------------------------------------------
(define-read-only (get-policy (policy-id uint))
  (contract-call? .policy-ledger get-policy policy-id))

;; What the pool can pay claims with: its assets (capital and premiums), not the claimants' bonds and
;; assessors' rewards it also holds. The raw STX balance is capital-pool's get-pool-balance.
(define-read-only (get-pool-balance)
  (contract-call? .capital-pool get-total-assets))

(define-read-only (get-protocol-coverage (protocol-id uint))
  (contract-call? .policy-ledger get-protocol-coverage protocol-id))

(define-read-only (get-filing-deadline (policy-id uint))
  (contract-call? .policy-ledger get-filing-deadline policy-id))

(define-read-only (get-last-policy-id) (contract-call? .policy-ledger get-last-policy-id))
(define-read-only (get-covered-protocol-count) (contract-call? .policy-ledger get-covered-protocol-count))

;; Cover applies between active-from and ends-at, on a policy that is neither expired nor exhausted.
(define-read-only (is-policy-active (policy-id uint))
  (match (get-policy policy-id) policy
    (and (is-eq (get status policy) STATUS-ACTIVE)
         (>= stacks-block-time (get active-from policy))
         (< stacks-block-time (get ends-at policy)))
    false))

(define-read-only (get-holder-policy-count (holder principal))
  (contract-call? .policy-ledger get-holder-policy-count holder))

(define-read-only (get-holder-policy (holder principal) (index uint))
  (contract-call? .policy-ledger get-holder-policy holder index))

(define-read-only (get-protocol-policy-count (protocol-id uint))
  (contract-call? .policy-ledger get-protocol-policy-count protocol-id))

(define-read-only (get-protocol-policy (protocol-id uint) (index uint))
  (contract-call? .policy-ledger get-protocol-policy protocol-id index))
