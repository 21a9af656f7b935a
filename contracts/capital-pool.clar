;; capital-pool
;; The custody point for pooled STX. Providers deposit STX for shares; premiums raise the share price as
;; they are earned, evenly over each policy's term; claim payouts lower it. Withdrawals are requested, wait a cooldown, and can never take capital that
;; backs active cover, that approved claims are owed, or that claims under assessment may be owed.
;; The pool also keeps the assessors' reward reserve (a share of each premium), rewards allocated to
;; assessed claims but not yet pulled, and claimants' bonds, each in its own ledger.
;;
;; Accounting invariant: STX held = total-assets + reward-reserve + rewards-owed + bonds-held, except
;; STX sent to the contract directly, which the ledgers ignore on purpose (a donation must not move the
;; share price).

;; ---------------------------------------------------------------------------------------------
;; Errors (band u3000)
;; ---------------------------------------------------------------------------------------------
(define-constant ERR-NOT-AUTHORIZED (err u3000))
(define-constant ERR-BELOW-MIN-DEPOSIT (err u3001))
(define-constant ERR-ZERO-SHARES (err u3002))
(define-constant ERR-INSUFFICIENT-SHARES (err u3003))
(define-constant ERR-NO-WITHDRAWAL-REQUEST (err u3004))
(define-constant ERR-COOLDOWN-ACTIVE (err u3005))
(define-constant ERR-CAPITAL-LOCKED (err u3006))
(define-constant ERR-INSUFFICIENT-BALANCE (err u3007))
(define-constant ERR-ZERO-AMOUNT (err u3008))
(define-constant ERR-COVER-UNDERFLOW (err u3009))
(define-constant ERR-POOL-INSOLVENT (err u3010))
(define-constant ERR-LEDGER-UNDERFLOW (err u3011))
(define-constant ERR-WITHDRAWAL-EXPIRED (err u3012))
(define-constant ERR-BELOW-MIN-AMOUNT (err u3013))
(define-constant ERR-CLAIMS-SETTLING (err u3014))
(define-constant ERR-EARNINGS-BEHIND (err u3015))

;; ---------------------------------------------------------------------------------------------
;; Constants
;; ---------------------------------------------------------------------------------------------
;; Virtual shares and assets (a 10^6 "decimals offset"): the first depositor cannot make one share
;; worth so much that a later deposit rounds down to nothing.
(define-constant VIRTUAL-SHARES u1000000)
(define-constant VIRTUAL-ASSETS u1)
;; A pool whose losses left more than this many shares per micro-STX of capital (the price 100x below
;; its start: a wipe-out) starts a new share epoch on the next deposit, so that no share computation can
;; overflow and new capital is not priced against worthless shares.
(define-constant MAX-SHARES-PER-MICRO-STX u100000000)
;; share-price is quoted in micro-STX per SHARE-UNIT shares; it starts at 1 STX.
(define-constant SHARE-UNIT u1000000000000)
(define-constant BPS u10000)
(define-constant SECONDS-PER-WEEK u604800)
;; Earning rates are kept in 10^-9 micro-STX per second, so that a small premium over a long term still
;; earns at a rate above zero.
(define-constant RATE-SCALE u1000000000)
;; Week boundaries one accrual crosses at most (one map read each, 64 weeks: longer than any policy); a
;; pool idle longer than this catches up through accrue-premiums (anyone may call it) before it takes deposits or pays withdrawals.
(define-constant ACCRUAL-STEPS (list u1 u2 u3 u4 u5 u6 u7 u8 u9 u10 u11 u12 u13 u14 u15 u16
                                     u17 u18 u19 u20 u21 u22 u23 u24 u25 u26 u27 u28 u29 u30 u31 u32
                                     u33 u34 u35 u36 u37 u38 u39 u40 u41 u42 u43 u44 u45 u46 u47 u48
                                     u49 u50 u51 u52 u53 u54 u55 u56 u57 u58 u59 u60 u61 u62 u63 u64))

;; ---------------------------------------------------------------------------------------------
;; State
;; ---------------------------------------------------------------------------------------------
(define-data-var total-assets uint u0)      ;; capital + premiums - payouts, in micro-STX
(define-data-var total-shares uint u0)
(define-data-var active-cover uint u0)      ;; sum of remaining cover of active policies
(define-data-var claims-owed uint u0)       ;; approved, not yet paid claims (already off the share price)
(define-data-var claims-pending uint u0)    ;; claims under assessment or council review (exit price only)
(define-data-var reward-reserve uint u0)    ;; assessors' share of premiums, not yet allocated
(define-data-var rewards-owed uint u0)      ;; allocated to assessed claims, not yet pulled by assessors
(define-data-var bonds-held uint u0)        ;; bonds of open claims
(define-data-var premiums-earned uint u0)   ;; cumulative providers' part of premiums collected (earned over terms)
(define-data-var total-paid-out uint u0)    ;; cumulative
;; Unearned-premium reserve: the providers' part of each premium is earned evenly from purchase to the
;; end of the week (counted from time 0) its policy ends in. `rate` is what all running policies earn per
;; second (x RATE-SCALE), `through` the time up to which `unearned` is accounted; rate-ends holds, per
;; week number, the rate that stops at the start of that week. No loop over policies is ever needed, and
;; an accrual reads one entry per week it crosses.
(define-data-var earning { rate: uint, through: uint, unearned: uint } { rate: u0, through: u0, unearned: u0 })
(define-map rate-ends uint uint)


(define-data-var share-epoch uint u0)      ;; bumped when a wiped-out pool is recapitalised
;; Shares count only in the epoch they were minted in.
(define-map providers principal { shares: uint, pending-shares: uint, requested-at: uint, epoch: uint })

;; ---------------------------------------------------------------------------------------------
;; Helpers
;; ---------------------------------------------------------------------------------------------
(define-private (param (name (string-ascii 32)))
  (contract-call? .insurance-council get-parameter name))

(define-private (is-role (role (string-ascii 32)))
  (contract-call? .insurance-council has-role role contract-caller))

(define-private (div-ceil (a uint) (b uint))
  (if (is-eq a u0) u0 (+ (/ (- a u1) b) u1)))

(define-private (sub-floor (a uint) (b uint)) (if (> a b) (- a b) u0))

;; One step of earning: up to the next week boundary (where the rates of policies ending that week stop)
;; or up to `now`. When nothing earns any more, the rounding dust left in the reserve is earned too.
(define-private (accrue-step (step uint) (acc { rate: uint, through: uint, unearned: uint, now: uint }))
  (let ((through (get through acc)) (now (get now acc)))
    (if (>= through now)
      acc
      (if (is-eq (get rate acc) u0)
        (merge acc { through: now, unearned: u0 })
        (let ((boundary (* (+ (/ through SECONDS-PER-WEEK) u1) SECONDS-PER-WEEK))
              (until (if (< boundary now) boundary now))
              (unearned (sub-floor (get unearned acc) (/ (* (get rate acc) (- until through)) RATE-SCALE)))
              (rate (if (is-eq until boundary)
                      (- (get rate acc) (default-to u0 (map-get? rate-ends (/ boundary SECONDS-PER-WEEK))))
                      (get rate acc))))
          { rate: rate, through: until, unearned: (if (is-eq rate u0) u0 unearned), now: now })))))

;; The reserve as of `now` (read-only: nothing is written).
(define-private (earning-at (now uint))
  (let ((done (fold accrue-step ACCRUAL-STEPS (merge (var-get earning) { now: now }))))
    { rate: (get rate done), through: (get through done), unearned: (get unearned done), now: now }))

(define-private (earning-now) (earning-at stacks-block-time))

;; Brings the reserve up to `now` (as far as ACCRUAL-STEPS weeks allow) and stores it; the answer also
;; carries `now`, so callers need not read the block time again.
(define-private (accrue-at (now uint))
  (let ((e (earning-at now)))
    (var-set earning { rate: (get rate e), through: (get through e), unearned: (get unearned e) })
    e))

(define-private (accrue) (accrue-at stacks-block-time))

(define-private (capital-of (unearned uint))
  (sub-floor (var-get total-assets) (+ (var-get claims-owed) unearned)))

(define-private (no-provider)
  { shares: u0, pending-shares: u0, requested-at: u0, epoch: (var-get share-epoch) })

;; A holding from an earlier share epoch was wiped out: it reads as nothing.
(define-private (get-provider-or-default (who principal))
  (match (map-get? providers who) p
    (if (is-eq (get epoch p) (var-get share-epoch)) p (no-provider))
    (no-provider)))

(define-read-only (is-wiped-out)
  (and (> (var-get total-shares) u0)
       (> (+ (var-get total-shares) VIRTUAL-SHARES) (* (+ (get-total-capital) VIRTUAL-ASSETS) MAX-SHARES-PER-MICRO-STX))))

(define-read-only (get-share-epoch) (var-get share-epoch))

;; ---------------------------------------------------------------------------------------------
;; Read-only: the numbers a provider or buyer needs
;; ---------------------------------------------------------------------------------------------
;; Capital that belongs to providers: the pool's assets less what approved claims are owed and less the
;; premiums not yet earned.
(define-read-only (get-total-capital)
  (capital-of (get unearned (earning-now))))

(define-read-only (get-pool-balance) (stx-get-balance current-contract))
(define-read-only (get-total-assets) (var-get total-assets))
(define-read-only (get-total-shares) (var-get total-shares))
(define-read-only (get-active-cover) (var-get active-cover))
(define-read-only (get-claims-owed) (var-get claims-owed))
(define-read-only (get-premiums-earned) (var-get premiums-earned))
(define-read-only (get-total-paid-out) (var-get total-paid-out))

;; The premiums of running policies are not capital until earned, so they back no new cover: buying cover
;; in parts, whose premiums would each raise the capacity the next part sees, gains nothing.
(define-read-only (get-unearned-premiums) (get unearned (earning-now)))
(define-read-only (get-earning)
  (let ((e (earning-now))) { rate: (get rate e), through: (get through e), unearned: (get unearned e) }))

(define-read-only (get-capacity)
  (/ (* (get-total-capital) (param "capacity-ratio-bps")) BPS))

;; Capital that backs active cover at the capacity ratio, or that keeps the largest protocol's cover
;; within the per-protocol cap, whichever is more (rounded up in the pool's favour).
;; Claims under assessment do not move any price (their filer could otherwise move the exit price at
;; will); they lock capital instead: no withdrawal can take what they may be owed.
(define-read-only (get-locked-capital)
  (let ((by-cover (div-ceil (* (var-get active-cover) BPS) (param "capacity-ratio-bps")))
        ;; The policy ledger's upper bound of the largest cover on one protocol.
        (by-protocol (div-ceil (* (contract-call? .policy-ledger get-protocol-cap-mark) BPS) (param "protocol-cap-bps"))))
    (if (> by-cover by-protocol) by-cover by-protocol)))

(define-read-only (get-free-capital)
  (let ((capital (get-total-capital)) (held (+ (get-locked-capital) (var-get claims-pending))))
    (if (> capital held) (- capital held) u0)))

(define-read-only (get-free-capacity)
  (let ((capacity (get-capacity)) (cover (var-get active-cover)))
    (if (> capacity cover) (- capacity cover) u0)))

;; Utilization in basis points (can exceed 10000 after a loss or a ratio change).
(define-read-only (get-utilization-bps)
  (let ((capacity (get-capacity)))
    (if (is-eq capacity u0)
      (if (is-eq (var-get active-cover) u0) u0 BPS)
      (/ (* (var-get active-cover) BPS) capacity))))

(define-read-only (shares-for-amount (amount uint))
  (/ (* amount (+ (var-get total-shares) VIRTUAL-SHARES)) (+ (get-total-capital) VIRTUAL-ASSETS)))

(define-read-only (value-of-shares (shares uint))
  (/ (* shares (+ (get-total-capital) VIRTUAL-ASSETS)) (+ (var-get total-shares) VIRTUAL-SHARES)))

(define-read-only (get-claims-pending) (var-get claims-pending))
(define-read-only (get-reward-reserve) (var-get reward-reserve))
(define-read-only (get-rewards-owed) (var-get rewards-owed))
(define-read-only (get-bonds-held) (var-get bonds-held))

(define-read-only (get-share-price)
  (/ (* SHARE-UNIT (+ (get-total-capital) VIRTUAL-ASSETS)) (+ (var-get total-shares) VIRTUAL-SHARES)))

(define-read-only (get-provider (who principal))
  (let ((p (get-provider-or-default who)))
    (merge p { value: (value-of-shares (get shares p)),
               pending-value: (value-of-shares (get pending-shares p)),
               unlocks-at: (if (> (get pending-shares p) u0) (+ (get requested-at p) (param "withdrawal-cooldown")) u0),
               expires-at: (if (> (get pending-shares p) u0)
                             (+ (get requested-at p) (param "withdrawal-cooldown") (param "withdrawal-window")) u0) })))

(define-read-only (get-pool-stats)
  { pool-balance: (get-pool-balance), total-assets: (var-get total-assets), total-capital: (get-total-capital),
    total-shares: (var-get total-shares), share-price: (get-share-price), active-cover: (var-get active-cover),
    capacity: (get-capacity), free-capacity: (get-free-capacity), utilization-bps: (get-utilization-bps),
    locked-capital: (get-locked-capital), free-capital: (get-free-capital), claims-owed: (var-get claims-owed),
    claims-pending: (var-get claims-pending),
    premiums-earned: (var-get premiums-earned), total-paid-out: (var-get total-paid-out),
    unearned-premiums: (get-unearned-premiums), protocol-cap-mark: (contract-call? .policy-ledger get-protocol-cap-mark),
    reward-reserve: (var-get reward-reserve), rewards-owed: (var-get rewards-owed), bonds-held: (var-get bonds-held) })

;; ---------------------------------------------------------------------------------------------
;; Providers
;; ---------------------------------------------------------------------------------------------
(define-public (deposit (amount uint))
  (begin
    (asserts! (>= amount (param "min-deposit")) ERR-BELOW-MIN-DEPOSIT)
    ;; While approved claims are owed more than the pool holds, a new deposit would only pay old debts.
    (asserts! (or (is-eq (var-get claims-owed) u0) (> (var-get total-assets) (var-get claims-owed))) ERR-POOL-INSOLVENT)
    ;; An approved claim is off the share price until it is paid or vetoed; a deposit in between would buy
    ;; at the lowered price with a free option on the veto. Deposits wait until approved claims settle.
    (asserts! (is-eq (var-get claims-owed) u0) ERR-CLAIMS-SETTLING)
    ;; Shares are priced on premiums earned up to now, never on a reserve that has fallen behind.
    (asserts! (let ((e (accrue))) (is-eq (get through e) (get now e))) ERR-EARNINGS-BEHIND)
    (if (is-wiped-out) (start-share-epoch) true)
    (mint-shares amount)))

;; The old shares are retired; what capital is left (under 1 % of what they were first worth) passes to
;; the new epoch's providers.
(define-private (start-share-epoch)
  (begin
    (print { topic: "share-epoch-started", epoch: (+ (var-get share-epoch) u1), retired-shares: (var-get total-shares),
             residual-capital: (get-total-capital) })
    (var-set share-epoch (+ (var-get share-epoch) u1))
    (var-set total-shares u0)
    true))

(define-private (mint-shares (amount uint))
  (let ((shares (shares-for-amount amount))
        (provider (get-provider-or-default contract-caller)))
    (asserts! (> shares u0) ERR-ZERO-SHARES)
    (unwrap! (stx-transfer? amount contract-caller current-contract) ERR-INSUFFICIENT-BALANCE)
    (var-set total-assets (+ (var-get total-assets) amount))
    (var-set total-shares (+ (var-get total-shares) shares))
    (map-set providers contract-caller (merge provider { shares: (+ (get shares provider) shares) }))
    (print { topic: "capital-deposited", provider: contract-caller, amount: amount, shares: shares,
             provider-shares: (+ (get shares provider) shares), total-capital: (get-total-capital),
             total-shares: (var-get total-shares), share-price: (get-share-price) })
    (ok shares)))

;; Requested shares stay in the pool and keep bearing losses until they are withdrawn.
;; A new request replaces the previous one and restarts the cooldown. A request can be used only within
;; the withdrawal window after it unlocks: one made long ago cannot serve as an instant exit the moment
;; a hack becomes public.
(define-public (request-withdrawal (shares uint))
  (let ((provider (get-provider-or-default contract-caller))
        (unlocks-at (+ stacks-block-time (param "withdrawal-cooldown"))))
    (asserts! (> shares u0) ERR-ZERO-AMOUNT)
    (asserts! (<= shares (get shares provider)) ERR-INSUFFICIENT-SHARES)
    (map-set providers contract-caller (merge provider { pending-shares: shares, requested-at: stacks-block-time }))
    (print { topic: "withdrawal-requested", provider: contract-caller, shares: shares,
             value: (value-of-shares shares), unlocks-at: unlocks-at,
             expires-at: (+ unlocks-at (param "withdrawal-window")) })
    (ok unlocks-at)))

(define-public (cancel-withdrawal)
  (let ((provider (get-provider-or-default contract-caller)))
    (asserts! (> (get pending-shares provider) u0) ERR-NO-WITHDRAWAL-REQUEST)
    (map-set providers contract-caller (merge provider { pending-shares: u0, requested-at: u0 }))
    (print { topic: "withdrawal-cancelled", provider: contract-caller, shares: (get pending-shares provider) })
    (ok true)))

;; Pays the requested shares at the share price (after any approved loss), if free capital allows and
;; the amount is at least `min-amount`, the least the provider accepts.
(define-public (withdraw (min-amount uint))
  (let ((e (accrue))
        (provider (get-provider-or-default contract-caller))
        (shares (get pending-shares provider))
        (amount (value-of-shares shares))
        (recipient contract-caller))
    (asserts! (> shares u0) ERR-NO-WITHDRAWAL-REQUEST)
    (asserts! (is-eq (get through e) (get now e)) ERR-EARNINGS-BEHIND)
    (asserts! (>= stacks-block-time (+ (get requested-at provider) (param "withdrawal-cooldown"))) ERR-COOLDOWN-ACTIVE)
    (asserts! (< stacks-block-time (+ (get requested-at provider) (param "withdrawal-cooldown") (param "withdrawal-window")))
              ERR-WITHDRAWAL-EXPIRED)
    (asserts! (> amount u0) ERR-ZERO-AMOUNT)
    (asserts! (>= amount min-amount) ERR-BELOW-MIN-AMOUNT)
    (asserts! (<= amount (get-free-capital)) ERR-CAPITAL-LOCKED)
    (try! (as-contract? ((with-stx amount)) (try! (stx-transfer? amount tx-sender recipient))))
    (var-set total-assets (- (var-get total-assets) amount))
    (var-set total-shares (- (var-get total-shares) shares))
    (map-set providers recipient { shares: (- (get shares provider) shares), pending-shares: u0, requested-at: u0,
                                   epoch: (var-get share-epoch) })
    (print { topic: "capital-withdrawn", provider: recipient, amount: amount, shares: shares,
             provider-shares: (- (get shares provider) shares), total-capital: (get-total-capital),
             total-shares: (var-get total-shares), share-price: (get-share-price) })
    (ok amount)))

;; ---------------------------------------------------------------------------------------------
;; Anyone
;; ---------------------------------------------------------------------------------------------
;; Earns premiums up to now (or ACCRUAL-STEPS more days of them); deposits and withdrawals do this
;; themselves and refuse only if the pool has been idle for longer.
(define-public (accrue-premiums)
  (let ((e (accrue)))
    (ok { through: (get through e), unearned: (get unearned e), rate: (get rate e) })))

;; ---------------------------------------------------------------------------------------------
;; Cover contract only
;; ---------------------------------------------------------------------------------------------
;; The utilization surcharge on a base premium: base x slope x the mean of the pool's utilization before
;; and after the cover (rounded up). Charging the mean means buying in parts costs at least as much as
;; buying at once. Returns the premium, whether the cover fits the pool's capacity, and the most cover
;; one protocol may have now (the per-protocol cap, checked by the cover contract against the ledger).
(define-private (price (capital uint) (coverage-amount uint) (base-premium uint) (slope-bps uint)
                       (terms { capacity-ratio-bps: uint, assessor-fee-bps: uint, protocol-cap-bps: uint }))
  (let ((capacity (/ (* capital (get capacity-ratio-bps terms)) BPS))
        (cover-before (var-get active-cover))
        (cover-after (+ cover-before coverage-amount))
        (surcharge (if (is-eq capacity u0)
                     (div-ceil (* base-premium slope-bps) BPS)
                     (div-ceil (* (* base-premium slope-bps) (+ cover-before cover-after)) (* (* u2 capacity) BPS)))))
    { premium: (+ base-premium surcharge), cover-after: cover-after,
      utilization-bps: (if (is-eq capacity u0) BPS (/ (* cover-after BPS) capacity)),
      fits-capacity: (<= cover-after capacity),
      protocol-cap-limit: (/ (* capital (get protocol-cap-bps terms)) BPS) }))

(define-read-only (quote-cover (coverage-amount uint) (base-premium uint) (slope-bps uint))
  (price (get-total-capital) coverage-amount base-premium slope-bps (contract-call? .insurance-council get-pool-terms)))

;; Prices new cover and, if it fits the capacity and its premium is within the buyer's maximum, books it:
;; takes the premium from the buyer (tx-sender of the purchase) and starts earning the providers' part of
;; it until the end of the week `ends-at` falls in; the assessors' fee goes to the reward reserve. Either
;; way it answers the price and the checks, and the cover contract refuses a purchase that does not fit
;; with its own error codes (undoing the booking). `now` is the block time the cover contract read (one
;; read of it per purchase is enough).
(define-public (underwrite (coverage-amount uint) (base-premium uint) (slope-bps uint) (ends-at uint) (max-premium uint)
                           (now uint))
  (let ((terms (contract-call? .insurance-council get-pool-terms))
        (e (accrue-at now))
        (assets (var-get total-assets))
        (owed (var-get claims-owed))
        (priced (price (sub-floor assets (+ owed (get unearned e))) coverage-amount base-premium slope-bps terms))
        (premium (get premium priced))
        (fee (/ (* premium (get assessor-fee-bps terms)) BPS))
        (to-capital (- premium fee))
        (end-week (div-ceil ends-at SECONDS-PER-WEEK))
        (rate (/ (* to-capital RATE-SCALE) (- (* end-week SECONDS-PER-WEEK) now))))
    (asserts! (is-role "cover") ERR-NOT-AUTHORIZED)
    (asserts! (and (is-eq (get through e) now) (> ends-at now)) ERR-EARNINGS-BEHIND)
    (if (and (get fits-capacity priced) (<= premium max-premium))
      (book priced to-capital fee e rate end-week)
      (ok (merge priced { to-capital: to-capital })))))

(define-private (book (priced { premium: uint, cover-after: uint, utilization-bps: uint, fits-capacity: bool, protocol-cap-limit: uint })
                      (to-capital uint) (fee uint) (e { rate: uint, through: uint, unearned: uint, now: uint }) (rate uint)
                      (end-week uint))
  (let ((premium (get premium priced)) (assets (var-get total-assets)) (now (get now e)))
    (unwrap! (stx-transfer? premium tx-sender current-contract) ERR-INSUFFICIENT-BALANCE)
    (var-set total-assets (+ assets to-capital))
    (var-set premiums-earned (+ (var-get premiums-earned) to-capital))
    (var-set reward-reserve (+ (var-get reward-reserve) fee))
    (var-set active-cover (get cover-after priced))
    (var-set earning { rate: (+ (get rate e) rate), through: now, unearned: (+ (get unearned e) to-capital) })
    (map-set rate-ends end-week (+ (default-to u0 (map-get? rate-ends end-week)) rate))
    (print { topic: "premium-collected", payer: tx-sender, amount: premium, to-capital: to-capital, to-assessors: fee,
             earned-until: (* end-week SECONDS-PER-WEEK),
             total-capital: (sub-floor assets (+ (var-get claims-owed) (get unearned e))) })
    (ok (merge priced { to-capital: to-capital }))))

(define-public (remove-cover (amount uint))
  (begin
    (asserts! (or (is-role "cover") (is-role "claims")) ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (var-get active-cover)) ERR-COVER-UNDERFLOW)
    (var-set active-cover (- (var-get active-cover) amount))
    (ok (var-get active-cover))))

;; ---------------------------------------------------------------------------------------------
;; Claims contract only
;; ---------------------------------------------------------------------------------------------
(define-private (pay (amount uint) (recipient principal))
  (if (is-eq amount u0)
    (ok true)
    (as-contract? ((with-stx amount)) (try! (stx-transfer? amount tx-sender recipient)))))

;; The claimant (tx-sender of submit-claim) pays the bond into the pool.
(define-public (take-bond (amount uint))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (if (> amount u0)
      (unwrap! (stx-transfer? amount tx-sender current-contract) ERR-INSUFFICIENT-BALANCE)
      true)
    (var-set bonds-held (+ (var-get bonds-held) amount))
    (ok true)))

(define-public (return-bond (amount uint) (recipient principal))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (var-get bonds-held)) ERR-LEDGER-UNDERFLOW)
    (try! (pay amount recipient))
    (var-set bonds-held (- (var-get bonds-held) amount))
    (ok true)))

;; A forfeited bond: `to-rewards` becomes the reward for the assessors who were right, `to-pool` goes to
;; the providers' capital.
(define-public (forfeit-bond (to-rewards uint) (to-pool uint))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (asserts! (<= (+ to-rewards to-pool) (var-get bonds-held)) ERR-LEDGER-UNDERFLOW)
    (var-set bonds-held (- (var-get bonds-held) (+ to-rewards to-pool)))
    (var-set rewards-owed (+ (var-get rewards-owed) to-rewards))
    (var-set total-assets (+ (var-get total-assets) to-pool))
    (ok true)))

;; Moves up to `amount` from the reserve to the rewards of one claim; returns what was moved.
(define-public (allocate-reward (amount uint))
  (let ((reserve (var-get reward-reserve))
        (moved (if (< amount reserve) amount reserve)))
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (var-set reward-reserve (- reserve moved))
    (var-set rewards-owed (+ (var-get rewards-owed) moved))
    (ok moved)))

;; Rewards nobody can claim (no assessor on the winning side) go back to the reserve.
(define-public (refund-reward (amount uint))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (var-get rewards-owed)) ERR-LEDGER-UNDERFLOW)
    (var-set rewards-owed (- (var-get rewards-owed) amount))
    (var-set reward-reserve (+ (var-get reward-reserve) amount))
    (ok true)))

(define-public (pay-reward (amount uint) (recipient principal))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (var-get rewards-owed)) ERR-LEDGER-UNDERFLOW)
    (try! (pay amount recipient))
    (var-set rewards-owed (- (var-get rewards-owed) amount))
    (ok true)))

;; Stake slashed from assessors who approved a claim the council vetoed as fraud joins the providers'
;; capital. Only the staking contract sends it (from its own balance).
(define-public (collect-slashed (amount uint))
  (begin
    (asserts! (is-eq contract-caller .assessor-staking) ERR-NOT-AUTHORIZED)
    (unwrap! (stx-transfer? amount tx-sender current-contract) ERR-INSUFFICIENT-BALANCE)
    (var-set total-assets (+ (var-get total-assets) amount))
    (print { topic: "stake-slashed", amount: amount, total-capital: (get-total-capital), share-price: (get-share-price) })
    (ok true)))

;; A claim under assessment: its payable amount locks free capital (it moves no price).
(define-public (open-exposure (amount uint))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (var-set claims-pending (+ (var-get claims-pending) amount))
    (ok true)))

;; A claim denied or vetoed before approval: its exposure goes away.
(define-public (close-exposure (amount uint))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (var-get claims-pending)) ERR-LEDGER-UNDERFLOW)
    (var-set claims-pending (- (var-get claims-pending) amount))
    (ok true)))

;; A claim approved: its payable amount is owed and leaves the share price at once.
(define-public (approve-exposure (amount uint))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (var-get claims-pending)) ERR-LEDGER-UNDERFLOW)
    (var-set claims-pending (- (var-get claims-pending) amount))
    (var-set claims-owed (+ (var-get claims-owed) amount))
    (print { topic: "claim-reserved", amount: amount, claims-owed: (var-get claims-owed),
             total-capital: (get-total-capital), share-price: (get-share-price) })
    (ok true)))

;; An approved claim vetoed by the council: the debt is cancelled.
(define-public (release-owed (amount uint))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (asserts! (<= amount (var-get claims-owed)) ERR-LEDGER-UNDERFLOW)
    (var-set claims-owed (- (var-get claims-owed) amount))
    (print { topic: "claim-released", amount: amount, claims-owed: (var-get claims-owed),
             total-capital: (get-total-capital), share-price: (get-share-price) })
    (ok true)))

;; Pays `paid` of an approved claim whose debt was `owed` (less only when the claimant accepts a
;; partial payment); the whole debt is settled.
(define-public (pay-claim (owed uint) (paid uint) (recipient principal))
  (begin
    (asserts! (is-role "claims") ERR-NOT-AUTHORIZED)
    (asserts! (and (<= owed (var-get claims-owed)) (<= paid owed) (<= paid (var-get total-assets))) ERR-LEDGER-UNDERFLOW)
    (try! (pay paid recipient))
    (var-set claims-owed (- (var-get claims-owed) owed))
    (var-set total-assets (- (var-get total-assets) paid))
    (var-set total-paid-out (+ (var-get total-paid-out) paid))
    ;; A payout larger than the providers' capital spends premiums not yet earned: the reserve keeps no
    ;; more than the pool still holds, so it can never be earned by capital that arrives later.
    (let ((e (accrue)) (left (sub-floor (var-get total-assets) (var-get claims-owed))))
      (if (> (get unearned e) left)
        (var-set earning { rate: (get rate e), through: (get through e), unearned: left })
        true))
    (print { topic: "claim-payout-sent", recipient: recipient, amount: paid, claims-owed: (var-get claims-owed),
             total-capital: (get-total-capital), share-price: (get-share-price) })
    (ok paid)))
