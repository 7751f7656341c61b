/**
 * Words and message templates for the demo conversations.
 *
 * Templates hold `{slot}` placeholders filled per conversation (order numbers,
 * products, amounts, the customer's e-mail…). They are compiled once at load
 * into literal/slot parts so that rendering is a few string concatenations.
 */

export const INTENTS = [
  'delivery_delay',
  'refund',
  'billing',
  'account_access',
  'technical_issue',
  'product_question',
  'cancellation',
  'shipping_address_change',
  'payment_failed',
  'subscription_change',
] as const;

export type Intent = (typeof INTENTS)[number];

/** A compiled template: even indexes are literal text, odd indexes slot names. */
export type Template = readonly string[];

/** The values a conversation's templates are filled with. */
export type Slots = Record<string, string>;

/**
 * Compiles `{slot}` text into parts for {@link render}.
 *
 * @example
 * render(compile('Order {order} is late'), { order: '#A123' }) // 'Order #A123 is late'
 */
export function compile(text: string): Template {
  return text.split(/\{(\w+)\}/);
}

/**
 * Fills a compiled template; an unknown slot renders as its name in braces.
 *
 * @example
 * render(compile('Hi {name}!'), { name: 'Ada' }) // 'Hi Ada!'
 */
export function render(parts: Template, slots: Slots): string {
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i] as string;
    out += (slots[key] ?? `{${key}}`) + (parts[i + 1] ?? '');
  }
  return out;
}

const all = (texts: readonly string[]): Template[] => texts.map(compile);

/** Everything said about one intent. */
export interface IntentVocabulary {
  subjects: Template[];
  /** The customer's first message. */
  openers: Template[];
  /** Further customer details in later turns. */
  details: Template[];
  /** Agent's clarifying questions. */
  asks: Template[];
  /** Agent's progress statements. */
  actions: Template[];
  /** Agent's resolving message. */
  resolutions: Template[];
  /** The bot's self-service answer (used when the bot contains the conversation). */
  bot: Template[];
  /** The customer coming back after the conversation was resolved. */
  reopens: Template[];
  /** Internal notes among staff. */
  notes: Template[];
}

type RawVocabulary = { [K in keyof IntentVocabulary]: string[] };

const RAW: Record<Intent, RawVocabulary> = {
  delivery_delay: {
    subjects: ['Where is my order {order}?', 'Order {order} not delivered', 'Late delivery', 'Still waiting for my package'],
    openers: [
      "Hi, my order {order} was supposed to arrive on {day} and it still hasn't come. Can you tell me where it is?",
      'Where is my order?? {order} - tracking has not updated for {days} days',
      'I ordered the {product} over a week ago and nothing has arrived yet. Order number {order}.',
      'My package is late. The delivery date was {day} but the tracking number {tracking} shows no movement.',
      'hello, order {order} still not delivered, I need it before the weekend',
      'Tracking for {order} says "out for delivery" since {day} but nobody came. What is going on?',
    ],
    details: [
      'The order number is {order} and the tracking number is {tracking}.',
      'I paid for express shipping so it should have been here by now.',
      "It's a gift so I really need it by {day}.",
      'Nobody rang the bell and there is no card in the letterbox either.',
      'Delivery address is {street}, {zip} {city}.',
    ],
    asks: [
      'Could you confirm the order number so I can look up the shipment?',
      'Can you confirm the delivery address on the order for me?',
      'Do you have the tracking number from your confirmation email?',
    ],
    actions: [
      "I've checked the shipment for {order}: it left our warehouse on {day} and is now with the local courier.",
      'I can see the tracking for {tracking} stopped updating. I have opened a trace with the courier.',
      "I've asked the warehouse to check whether the {product} was shipped in two parts.",
    ],
    resolutions: [
      'The courier has confirmed delivery for tomorrow before 6pm. You will get an updated tracking link by email.',
      "I've sent a replacement {product} with priority shipping at no cost; new tracking: {tracking}.",
      "Your order {order} is out for delivery today. If it doesn't arrive, reply here and I'll refund the shipping.",
    ],
    bot: [
      'Your order {order} is on its way. The latest tracking update: in transit, expected delivery {day}. You can follow it here: https://track.parley-demo.example/{tracking}',
      'I found your order {order}: it is with the courier and should arrive within 1-2 working days.',
    ],
    reopens: ['It still has not arrived. The new date has passed too.', 'The tracking link you sent shows the same thing as before, nothing has moved.'],
    notes: ['Courier trace opened, ref {refno}. Follow up in 48h.', 'Second late delivery for this customer this quarter.'],
  },
  refund: {
    subjects: ['Refund request for {order}', 'Where is my refund?', 'Return and refund', 'Refund not received'],
    openers: [
      "I returned the {product} two weeks ago and still haven't received my refund of {amount}.",
      'Hi, I would like a refund for order {order}. The {product} arrived damaged.',
      'When will I get my money back? I sent the return on {day}.',
      'Please refund {amount} for order {order}, the item is not what was described.',
      "The {product} doesn't fit, how do I return it and get a refund?",
      'you said refund in 5 days, it has been {days} days. Order {order}',
    ],
    details: [
      'I have the return receipt, reference {refno}.',
      'The refund should go back to my card ending in {card}.',
      "I've attached photos of the damage.",
      'The amount was {amount} including shipping.',
    ],
    asks: [
      'Could you share the return tracking number or the drop-off receipt?',
      'Can you send a photo of the damaged item so I can approve the refund?',
      'Which order is this about? Please send the order number.',
    ],
    actions: [
      'I can see the return for {order} arrived at our warehouse on {day}. I am processing the refund now.',
      "Thanks for the photos. I've approved the return; you don't need to send the {product} back.",
      'The refund was held because the return was not scanned. I have asked the warehouse to confirm receipt.',
    ],
    resolutions: [
      "I've issued a refund of {amount} to your card ending in {card}. It can take 3-5 working days to show on your statement.",
      'Your refund of {amount} has been processed, reference {refno}.',
      'Done: full refund of {amount} issued for order {order}, including the original shipping.',
    ],
    bot: [
      'You can start a return in your account under Orders > {order} > Return item. Refunds are issued within 5 working days of the return arriving.',
      'Your refund for order {order} was issued on {day}. Banks usually take 3-5 working days to show it.',
    ],
    reopens: ['The refund still is not on my statement.', 'I only received part of the refund, not the full {amount}.'],
    notes: ['Refund above {amount} needs team lead approval, asked in #billing.', 'Return scanned late at warehouse, refund ok to push.'],
  },
  billing: {
    subjects: ['Question about my invoice {invoice}', 'Charged twice', 'Wrong amount on my bill', 'Billing question'],
    openers: [
      'Why was I charged {amount} this month? My plan is the {plan} one.',
      'I was charged twice for order {order}, please check my statement.',
      "Can you send me an invoice with my company's VAT number on it? Invoice {invoice}.",
      'There is a charge of {amount} on my card ending {card} that I do not recognise.',
      'My invoice {invoice} shows the wrong billing address.',
      'Hello, I think my bill is wrong, I was charged {amount} instead of the usual amount.',
    ],
    details: [
      'The charge was on {day}, card ending in {card}.',
      'Our VAT number is GB123456789 and the company name is {company}.',
      "It's invoice {invoice}, I can forward it to you.",
      'Both charges are {amount} and they happened one minute apart.',
    ],
    asks: [
      'Could you tell me the last four digits of the card and the date of the charge?',
      'Which invoice number are you referring to?',
      'Can you confirm the email address on the account so I can find the billing profile?',
    ],
    actions: [
      'I can see two authorisations of {amount}. One of them is a pending hold and will drop off on its own.',
      'The {amount} charge is the annual renewal of your {plan} plan from {day}.',
      "I've updated the billing details on your account and regenerated invoice {invoice}.",
    ],
    resolutions: [
      "I've refunded the duplicate charge of {amount}; you'll see it back on your card within 5 working days.",
      'The corrected invoice {invoice} has been sent to {email}.',
      'I have explained the charge: it is the prorated upgrade to {plan}. Nothing was charged twice.',
    ],
    bot: [
      'You can download all your invoices under Settings > Billing > Invoices. Charges appear as "PARLEY DEMO" on your statement.',
      'Pending holds from a failed attempt drop off automatically within 3-7 days and are not real charges.',
    ],
    reopens: ['I was charged again this month, the problem is not fixed.', 'The invoice still has the old address on it.'],
    notes: ['Duplicate charge confirmed in Stripe dashboard.', 'Customer asked for a credit note, sent to finance.'],
  },
  account_access: {
    subjects: ["Can't log in", 'Locked out of my account', 'Password reset not working', 'Two-factor code not arriving'],
    openers: [
      "I can't log in to my account, it keeps saying my password is wrong.",
      'The password reset email never arrives. My login is {email}.',
      'My account is locked after too many attempts, please help',
      "I'm not receiving the two-factor code on my phone {phone}.",
      'I changed my phone and now I cannot get into the app, the 2FA codes go to my old number.',
      'Someone changed the email on my account, I think I was hacked!',
    ],
    details: [
      'The email I signed up with is {email}.',
      'I tried resetting it three times, checked spam, nothing.',
      'I get the error "invalid credentials" on both the website and the app.',
      'My number is {phone} if you need to verify me.',
    ],
    asks: [
      'For security, can you confirm the email address on the account and your date of birth?',
      'Are you trying to log in on the website or in the app?',
      'Could you check whether the reset email landed in your spam folder?',
    ],
    actions: [
      "I've verified your identity and unlocked the account.",
      "I've removed the old phone number from two-factor authentication on your account.",
      'I have sent a new password reset link to {email}; it is valid for 30 minutes.',
    ],
    resolutions: [
      'You should be able to log in now. Please set a new password and re-enable two-factor authentication.',
      'Your account is secured: all sessions were signed out and the email was restored to {email}.',
      'The reset link works now; our email provider was delaying messages to your domain.',
    ],
    bot: [
      'You can reset your password here: https://app.parley-demo.example/reset. The link is valid for 30 minutes.',
      'If you are locked out after too many attempts, the lock lifts automatically after 15 minutes. Then use "Forgot password".',
    ],
    reopens: ['I am locked out again.', 'The new link also says expired.'],
    notes: ['Identity verified via last order {order}.', 'Possible account takeover, flagged to Trust & Safety.'],
  },
  technical_issue: {
    subjects: ['App crashes', 'Error when uploading', 'Something is broken', 'Bug report: {error}'],
    openers: [
      'The app crashes every time I open it on my {device}. Version {appver}.',
      'I get "{error}" when I try to upload a file.',
      "The website is very slow and the checkout page doesn't load in {browser}.",
      'Sync stopped working since the last update, my data is not showing on my laptop.',
      'Getting a blank white screen after logging in. Tried clearing cache already.',
      'Export to CSV fails with {error}. File path C:\\Users\\me\\Downloads\\export.csv',
    ],
    details: [
      "I'm on a {device}, app version {appver}.",
      'It started after the update on {day}.',
      'I already reinstalled the app twice.',
      'Screenshot attached. The error is "{error}".',
      'Browser is {browser}, no extensions.',
    ],
    asks: [
      'Which device and app version are you using?',
      'Could you send a screenshot of the error and the time it happened?',
      'Can you try logging out, clearing the app cache and logging back in?',
    ],
    actions: [
      "Thanks, I've reproduced it on our side with {device} and {appver}. I've passed it to our engineers.",
      'This is a known issue with version {appver}; a fix is rolling out.',
      "I've reset the sync token on your account, please reopen the app.",
    ],
    resolutions: [
      'Version {appver} is now available with the fix. Updating the app should solve it.',
      'The sync is working again on our side; your data should appear within a few minutes.',
      'Clearing the cached session on our side fixed it. Let me know if it comes back.',
    ],
    bot: [
      'Many issues are solved by updating to the latest version and restarting the app. Our status page is at https://status.parley-demo.example.',
      'Try signing out, clearing the app cache (Settings > Storage > Clear cache) and signing back in.',
    ],
    reopens: ['It crashed again today.', 'Updated the app as you said but the error is back.'],
    notes: ['Linked to bug ENG-{refno}.', 'Logs show timeouts from the upload service around that time.'],
  },
  product_question: {
    subjects: ['Question about {product}', 'Product information', 'Is the {product} compatible?', 'Sizes and availability'],
    openers: [
      'Is the {product} compatible with the older model?',
      'Hi! Does the {product} come with a warranty?',
      'When will the {product} be back in stock?',
      'What is the difference between the {product} and the Pro version?',
      'Do you ship the {product} to {city}?',
      'Can I use the {product} outdoors / is it waterproof?',
    ],
    details: ['I mainly want to use it for travelling.', 'I have the previous model from 2022.', 'Is there a discount if I buy two?', 'I need it by {day}.'],
    asks: ['Which model do you have at the moment?', 'What will you mainly use it for?', 'Which country would it ship to?'],
    actions: [
      'The {product} works with all models from 2021 on.',
      'The {product} has a 2-year warranty, extendable to 3 years.',
      'Our next delivery of the {product} is expected on {day}.',
    ],
    resolutions: [
      "I've added a back-in-stock alert for {email}; you'll get an email as soon as it's available.",
      'Here is the comparison page: https://www.parley-demo.example/compare. Happy shopping!',
      'Yes, we ship to {city}; delivery takes 2-4 working days.',
    ],
    bot: [
      'The {product} comes with a 2-year warranty and free returns within 30 days. Full specs: https://www.parley-demo.example/products',
      'The {product} is in stock and ships within 24 hours. Delivery takes 2-4 working days.',
    ],
    reopens: ['Sorry, one more question about the {product}.'],
    notes: ['Customer interested in bulk order, passed to sales.'],
  },
  cancellation: {
    subjects: ['Cancel my order', 'Cancel subscription', 'Please close my account', 'Cancellation request'],
    openers: [
      'I want to cancel my order {order}, I ordered the wrong item.',
      'Please cancel my subscription, I no longer need it.',
      'How do I close my account? I want all my data deleted.',
      'Cancel order {order} please, it has not shipped yet.',
      "I'd like to cancel my {plan} plan at the end of this billing period.",
    ],
    details: [
      "It's too expensive for us at the moment.",
      'We moved to another tool.',
      'The order was placed on {day}.',
      'Please confirm in writing that I will not be charged again.',
    ],
    asks: [
      'May I ask why you would like to cancel? We might have a better option.',
      'Would a pause of 3 months help instead of cancelling?',
      'Can you confirm the order number you want to cancel?',
    ],
    actions: [
      'I can offer you 50% off the next 3 months of {plan} if you would like to stay.',
      'Order {order} has not left the warehouse yet, so I can still cancel it.',
      'Before I close the account, please download any data you want to keep.',
    ],
    resolutions: [
      'Your order {order} has been cancelled and the {amount} refunded to your card ending {card}.',
      'Your {plan} subscription is cancelled and will not renew. You keep access until the end of the period.',
      'Your account is scheduled for deletion within 30 days, confirmation sent to {email}.',
    ],
    bot: [
      'You can cancel your subscription any time under Settings > Plan > Cancel. You keep access until the end of the billing period.',
      'Orders can be cancelled under Orders > {order} > Cancel until they are shipped.',
    ],
    reopens: ['I was charged again after I cancelled!', 'I still receive emails even though I cancelled.'],
    notes: ['Retention offer declined.', 'Churn reason: price.'],
  },
  shipping_address_change: {
    subjects: ['Change delivery address', 'Wrong address on order {order}', 'Update shipping address'],
    openers: [
      'I entered the wrong address for order {order}, can you change it?',
      'Can I change the delivery address? I am moving next week.',
      'Please ship order {order} to my office instead: {street}, {zip} {city}.',
      'Typo in my street name on order {order}, it should be {street}.',
    ],
    details: ['New address: {street}, {zip} {city}.', 'The order has not shipped yet as far as I can see.', 'You can call me on {phone} if the courier needs to.'],
    asks: ['Could you send me the full new address including postcode?', 'Is this for order {order} only or for future orders too?'],
    actions: ['Order {order} has not shipped yet, so I can update it.', 'The parcel is already with the courier; I have requested a redirection.'],
    resolutions: ["I've updated the delivery address for {order} to {street}, {zip} {city}.", 'The redirection was accepted; delivery will be one day later than planned.'],
    bot: ['You can change the delivery address under Orders > {order} > Edit address until the order ships.'],
    reopens: ['The tracking still shows the old address.'],
    notes: ['Redirection fee waived.'],
  },
  payment_failed: {
    subjects: ['Payment not going through', 'Cannot pay for my order', 'Payment error at checkout'],
    openers: [
      "My payment doesn't go through at checkout, it just says payment unsuccessful.",
      'I tried to pay with PayPal and it keeps failing.',
      'Checkout fails at the 3-D Secure step, my bank app never shows the request.',
      "Why can't I pay? I have enough money on the account.",
      'The payment for my renewal failed and now my account is limited.',
    ],
    details: [
      'I tried my card ending in {card} and also Apple Pay.',
      'It happened on {day} around lunchtime.',
      'My bank says the payment was never attempted on their side.',
      'The order total is {amount}.',
    ],
    asks: [
      'Which payment method are you using, and do you see any error message?',
      'Could you try a different browser or the app and let me know if it still fails?',
      'Did your bank send you a verification request?',
    ],
    actions: [
      'I can see the payment attempt was rejected by your bank during verification.',
      "I've reset the payment session on your order so you can try again.",
      'Your saved card has expired; please add the new expiry date.',
    ],
    resolutions: [
      "I've sent you a secure payment link for {amount}; it's valid for 24 hours.",
      'The payment went through now and your order {order} is confirmed.',
      'Your account is active again after the renewal payment succeeded.',
    ],
    bot: ['Payments usually fail because of 3-D Secure verification or an expired card. Please check your card details and try again, or use PayPal.'],
    reopens: ['It failed again when I tried today.'],
    notes: ['PSP logs show a soft decline, bank side.'],
  },
  subscription_change: {
    subjects: ['Upgrade my plan', 'Change subscription', 'Downgrade to {newplan}', 'Switch to annual billing'],
    openers: [
      'I would like to upgrade from {plan} to {newplan}.',
      'How do I switch to annual billing?',
      'Can we add 5 more seats to our {plan} plan?',
      'Please downgrade my account to {newplan} from next month.',
      'What happens to my data if I move from {plan} to {newplan}?',
    ],
    details: ["We're a team of {seats} now.", 'We want it to start from the next billing cycle.', 'Will I be charged the difference immediately?'],
    asks: ['Should the change take effect now or at the next renewal?', 'How many seats do you need in total?'],
    actions: ['Upgrading now would cost {amount} for the rest of this period.', 'On {newplan} you keep all your data; only the limits change.'],
    resolutions: [
      'Your plan is now {newplan}. The new price applies from your next invoice.',
      "I've switched you to annual billing, which saves you two months.",
      'Done, your {plan} plan now has {seats} seats.',
    ],
    bot: ['You can change your plan any time under Settings > Plan. Upgrades apply immediately and are prorated; downgrades apply at renewal.'],
    reopens: ['The new seats are not showing in the admin panel.'],
    notes: ['Upsell opportunity: ask about enterprise plan.'],
  },
};

/** The compiled vocabulary per intent. */
export const VOCABULARY: Record<Intent, IntentVocabulary> = Object.fromEntries(
  INTENTS.map((intent) => {
    const raw = RAW[intent];
    const v: IntentVocabulary = {
      subjects: all(raw.subjects),
      openers: all(raw.openers),
      details: all(raw.details),
      asks: all(raw.asks),
      actions: all(raw.actions),
      resolutions: all(raw.resolutions),
      bot: all(raw.bot),
      reopens: all(raw.reopens),
      notes: all(raw.notes),
    };
    return [intent, v];
  }),
) as Record<Intent, IntentVocabulary>;

/** Incident-specific vocabulary, replacing parts of the intent's own. */
export interface IncidentVocabulary {
  subjects: Template[];
  openers: Template[];
  details: Template[];
  actions: Template[];
  resolutions: Template[];
  notes: Template[];
}

export const INCIDENT_VOCABULARY = {
  payment_outage: {
    subjects: all(['Card declined - error code 502', 'Payment error code 502', 'Card declined at checkout']),
    openers: all([
      'My card keeps getting declined at checkout, it says error code 502.',
      "Payment failed three times, card declined with error code 502. My bank says there's nothing wrong with the card.",
      'Is your payment system down? I get error code 502 every time I try to pay for the {product}.',
      "card declined again?? I've tried two different cards, same error code 502",
      'I was charged but the order says payment failed (error code 502), card declined.',
      'Your checkout is broken, card declined with error code 502 on every card I try.',
    ]),
    details: all([
      'The error code 502 appears right after I enter my card details.',
      "Card declined on my card ending {card} and on my partner's card as well.",
      'My bank says they never saw the payment attempt, so why does it say card declined?',
    ]),
    actions: all([
      "We're currently seeing an issue with our payment provider that causes card declined errors (error code 502). Our engineers are on it.",
      'This is a known problem with our payment provider today; your card is fine.',
    ]),
    resolutions: all([
      'The payment provider issue is fixed. Please try again; any duplicate authorisation for {amount} drops off within 3-5 days.',
      "Payments are working again and I've completed your order {order} for you.",
    ]),
    notes: all(['PSP outage, linked to incident INC-2231.', 'Card declined / 502 - incident macro sent.']),
  },
  carrier_problem: {
    subjects: all(['Parcel stuck at SwiftParcel depot', 'SwiftParcel delivery stuck', 'Parcel stuck - no movement']),
    openers: all([
      'My parcel is stuck at the SwiftParcel depot for {days} days. Order {order}.',
      'Parcel stuck in the carrier depot since {day}, tracking {tracking} not moving at all.',
      'SwiftParcel says the parcel is held at the depot. What is going on with your carrier?',
      'The carrier lost my parcel?? Tracking {tracking} says "held at depot" for a week.',
      'Order {order} parcel stuck with SwiftParcel, I called them and they have no idea.',
    ]),
    details: all([
      'The carrier tracking page has said "held at depot" since {day}.',
      'SwiftParcel told me to contact you because you are their customer, not me.',
      'Parcel stuck, and the carrier hotline keeps hanging up.',
    ]),
    actions: all([
      'Our carrier SwiftParcel has a backlog at their central depot after a system failure. Parcels are being released in order.',
      "I've escalated your parcel with SwiftParcel's depot team.",
    ]),
    resolutions: all([
      "SwiftParcel has released your parcel from the depot; it will arrive in 1-2 days. I've refunded the shipping cost.",
      "As the parcel is still stuck at the carrier, I've sent a replacement with another courier. Tracking {tracking}.",
    ]),
    notes: all(['SwiftParcel depot backlog - incident INC-2198.', 'Carrier parcel stuck, replacement approved.']),
  },
} as const satisfies Record<string, IncidentVocabulary>;

export type IncidentKey = keyof typeof INCIDENT_VOCABULARY;

/** Small talk and other text shared by all intents. */
export const COMMON = {
  customerGreetings: ['Hi', 'Hello', 'Hey', 'Good morning', 'Hi there', 'Hallo', 'Bonjour', 'Hola'],
  customerThanks: all([
    'Thanks a lot!',
    'great, thanks',
    'Perfect, thank you {agent}!',
    'ok thanks',
    'Thank you, that solves it 🙏',
    'Brilliant, cheers',
    'ok',
    'Thanks for your help 👍',
  ]),
  customerFillers: all(['ok', 'one moment', 'sure', 'let me check', 'yes', 'I did that already', 'how long will that take?', 'ok, I will wait']),
  customerBotDecline: all(["No, that doesn't help. I want to talk to a person.", 'agent', 'talk to human', "That's not my question", 'no', 'Can I speak to someone please?']),
  customerBotAccept: all(['Yes, thanks!', 'that helped, thank you', 'great', 'Yes', 'ok got it thanks']),
  customerAngry: all([
    'This is ridiculous, I have been waiting for ages.',
    "I've already explained this twice!!",
    'Why does it take so long to get an answer?',
    'Very disappointed with your service.',
  ]),
  reExplainPrefixes: ['As I said before: ', 'Like I told your colleague, ', 'Again: ', 'I already explained this, but ', ''],
  switchNotes: all(["I'm sending the screenshot by email instead.", 'I will continue here from my phone.', 'Replying by SMS, I am not at my computer.']),
  piiNotes: all(['You can reach me at {email}.', 'My phone number is {phone}.', 'Call me on {phone} if easier.', 'My email is {email}']),
  agentGreetings: all([
    'Hi {name}, thanks for reaching out! My name is {agent}.',
    'Hello {name}, this is {agent} from support.',
    'Hi {name}, {agent} here, happy to help.',
    'Hi {name}! Thanks for waiting, my name is {agent}.',
    'Hello {name}, sorry for the wait. This is {agent}.',
  ]),
  agentWaits: all(['One moment please while I check that for you.', 'Thanks, let me look into it.', 'Give me a minute, I am checking with the team.', 'Thanks for your patience.']),
  agentClosings: all(['Is there anything else I can help you with?', 'Anything else I can do for you today?', 'Have a great day!', 'Glad I could help, take care!']),
  agentTransfers: all([
    "I'm transferring you to our {team} team, they can help with this.",
    'I will pass this to a colleague in {team}.',
    'My shift is ending; a colleague will continue with you.',
  ]),
  agentEscalations: all([
    'I understand your frustration. I am escalating this to a senior colleague.',
    'I have escalated this to our escalations team; they will contact you shortly.',
  ]),
  agentReopen: all([
    'Sorry to hear that! Let me look into it again.',
    'Thanks for letting us know, I have reopened your request.',
    "I'm sorry it's not solved yet. Checking again now.",
  ]),
  agentFollowup: all(['Hi {name}, just following up: were you able to try the steps above?', 'Hi {name}, checking in on your request. Is everything working now?']),
  emailSignature: all(['\n\nBest regards,\n{agent}\nParley Demo Support', '\n\nKind regards,\n{agent}', '\n\nThanks,\n{agent} | Customer Care']),
  autoAck: all([
    "Thanks for contacting us! We've received your request #{refno} and will reply within 24 hours.",
    'This is an automatic confirmation: your message was received. Ticket #{refno}.',
  ]),
  botGreetings: all(["Hi {name}! I'm Parley Assistant 🤖 I'll try to help right away.", "Hello! I'm the Parley Assistant.", 'Hi there 👋 Parley Assistant here.']),
  botCheck: all(['Did that answer your question?', 'Did this help?', 'Is your question answered?']),
  botDone: all(['Great! Have a nice day 😊', 'Happy to help! You can close this chat.', 'Glad I could help.']),
  botHandoff: all([
    "I'm connecting you with a member of our team. Typical wait time: a few minutes.",
    'Let me get a human for you. Please stay in this chat.',
    'I am handing you over to our support team.',
  ]),
  systemAssigned: all(['Conversation assigned to {team}', '{agent} joined the conversation', 'Conversation routed to {team}']),
  systemTransferred: all(['Conversation transferred to {team}', '{agent} joined the conversation']),
  systemInactive: all(['Conversation closed due to inactivity', 'Auto-resolved: no reply from customer in 48 hours']),
  outbound: all([
    'Hi {name}, your order {order} is delayed by 2-3 days due to high demand. We are sorry for the wait.',
    'Hi {name}, we have processed your refund of {amount} for order {order}.',
    'Hi {name}, your card ending {card} expires soon. Please update it to avoid interruption.',
  ]),
  escalationReasons: ['customer requested manager', 'refund above agent limit', 'repeated failure', 'legal threat', 'VIP customer', 'possible fraud'],
} as const;

/** Survey comments by sentiment and by what went wrong. */
export const SURVEY_COMMENTS = {
  good: ['Very helpful, thank you!', 'Quick and friendly.', 'Solved in minutes, great service', 'Agent was lovely', 'Easy & fast 👍', 'Great support'],
  neutral: ['It was ok.', 'Took a while but solved in the end.', 'Fine', 'Resolved, but I had to ask twice.'],
  slow: ['Waited far too long for a reply.', 'Slow response, 2 days for a simple question', 'Too slow'],
  transfer: ['I was passed around between departments.', 'Had to explain my problem three times.', 'Transferred twice, nobody owned it'],
  reopen: ['The problem came back, not solved properly.', 'Had to contact you again about the same thing.'],
  bot: ['The bot was useless, wanted a human.', 'Chatbot did not understand me.'],
  incident: ['Your payment system was down and nobody told us.', 'The carrier lost my parcel, very frustrating.'],
  bad: ['Terrible service.', 'Rude and unhelpful.', 'Not resolved at all <very disappointed>', "Won't order again."],
} as const;

export const FIRST_NAMES = [
  'Emma',
  'Liam',
  'Olivia',
  'Noah',
  'Ava',
  'Lucas',
  'Mia',
  'Ethan',
  'Sophie',
  'Leon',
  'Isabella',
  'James',
  'Charlotte',
  'Mohammed',
  'Amelia',
  'Mateus',
  'Chiara',
  'Jakub',
  'Aaliyah',
  'Hiro',
  'Ana',
  'Finn',
  'Léa',
  'Omar',
  'Freya',
  'Arjun',
  'Nina',
  'Pedro',
  'Zara',
  'Tom',
  'Julia',
  'Kofi',
  'Sara',
  'Ben',
  'Elif',
  'Jan',
  'Marta',
  'Ryan',
  'Yara',
  'Daniel',
  'Ingrid',
  'Kenji',
  'Laura',
  'Felix',
  "O'Brien",
  'Grace',
  'Ivan',
  'Chloe',
] as const;

export const LAST_NAMES = [
  'Smith',
  'Müller',
  'Rossi',
  'García',
  'Jansen',
  'Kowalski',
  'Dubois',
  'Silva',
  'Johnson',
  'Nguyen',
  'Khan',
  'Andersson',
  'Brown',
  'Schneider',
  'Costa',
  'Martin',
  'Williams',
  'Okoye',
  'Yilmaz',
  'Novak',
  'Taylor',
  "O'Connor",
  'Lopez',
  'Fischer',
  'Bianchi',
  'Lee',
  'Wilson',
  'Moreau',
  'Sato',
  'Hughes',
  'Popescu',
  'Evans',
] as const;

export const PRODUCTS = [
  'AirLite headphones',
  'Nimbus smartwatch',
  'TrailPro backpack',
  'Aero kettle',
  'Lumen desk lamp',
  'Vela yoga mat',
  'Orbit robot vacuum',
  'Pulse fitness band',
  'Cascade coffee grinder',
  'Summit rain jacket',
  'Echo mini speaker',
  'Glide running shoes',
  'Pixel photo frame',
  'Terra plant pot set',
  'Nova phone case',
  '4K "Vista" monitor',
] as const;

export const PLANS = ['Starter', 'Plus', 'Pro', 'Team', 'Business'] as const;

export const DEVICES = ['iPhone 14', 'iPhone 12', 'Pixel 8', 'Galaxy S23', 'Galaxy A52', 'iPad Air', 'MacBook Air', 'Windows 11 laptop'] as const;

export const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge'] as const;

export const ERRORS = ['Error 500: internal error', 'Upload failed (413)', 'Timeout after 30s', 'ERR_CONNECTION_RESET', 'Something went wrong <code>E_SYNC</code>'] as const;

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export const CITIES = ['Berlin', 'Amsterdam', 'Lyon', 'Manchester', 'Madrid', 'Milan', 'Austin', 'Toronto', 'São Paulo', 'Dublin', 'Kraków', 'Chicago'] as const;

export const STREETS = ['12 Baker Street', 'Hauptstraße 5', '221 Elm Ave', 'Calle Mayor 18', 'Via Roma 3', 'Keizersgracht 101', '7 Rue de la Paix', '1600 Oak Rd'] as const;

export const COMPANIES = ['Acme & Sons Ltd', 'Nordlicht GmbH', 'Blue Harbor LLC', 'Café "Central" BV', 'Tandem Studio'] as const;
