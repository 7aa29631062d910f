#!/usr/bin/env bash
# The network memory of confirmed fraud, on `npm run dev` (README): a chargeback at one demo shop raises the same
# card's next score at the other. Ids are fresh per run (RUN=…, default the time), and each payment comes from its own
# address, so the only history the three scores in step 3 differ by is the card's and the device's.
#   bash scripts/demo/network-memory.sh [http://127.0.0.1:8787]
set -euo pipefail
S=${1:-http://127.0.0.1:8787}
SHOP2=sk_test_shop2_0000000000000000000000000
DEMO=sk_test_demo_00000000000000000000000000
RUN=${RUN:-$(date +%s)}
tx() { # transaction id, merchant, card fingerprint[, device id]
  printf '{"transaction_id":"%s","amount":8900,"currency":"USD","merchant":{"id":"%s","category":"5732","country":"US"},"card":{"fingerprint":"%s","bin":"424242","country":"US"},"customer":{"id":"cus_%s","email_domain":"example.com","account_age_days":400},"device":{"id":"%s","ip":"198.51.100.%s","ip_country":"US"},"billing_country":"US","shipping_country":"US","channel":"web"}' "$1" "$2" "$3" "$1" "${4:-dev_$1}" "$((RANDOM % 250 + 1))"
}
score() { # key, body
  curl -sf "$S/v1/score" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$2" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(`${r.transaction_id}  score ${r.score}  ${r.decision}  ${r.reasons.map(x=>x.code).join(", ")}`)})'
}
echo "1. m_demo_shop2 scores a payment on card_fp_stolen_$RUN:"
score $SHOP2 "$(tx "txn_shop2_$RUN" m_demo_shop2 "card_fp_stolen_$RUN")"
sleep 1 # its record is kept after the answer
echo "2. m_demo_shop2 reports its chargeback:"
learnt=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
curl -sf "$S/v1/feedback" -H "Authorization: Bearer $SHOP2" -H 'Content-Type: application/json' \
  -d "{\"labels\":[{\"transaction_id\":\"txn_shop2_$RUN\",\"label\":\"fraud\",\"source\":\"chargeback\",\"reason_code\":\"10.4\",\"learnt_at\":\"$learnt\"}]}"
echo
echo "3. m_demo scores the same payment on that card, on a clean card, and on a clean card from the fraud's device:"
score $DEMO "$(tx "txn_demo_stolen_$RUN" m_demo "card_fp_stolen_$RUN")"
score $DEMO "$(tx "txn_demo_clean_$RUN" m_demo "card_fp_clean_$RUN")"
score $DEMO "$(tx "txn_demo_device_$RUN" m_demo "card_fp_clean2_$RUN" "dev_txn_shop2_$RUN")"
