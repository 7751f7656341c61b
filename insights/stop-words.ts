// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the dashboard (svelte-check) reaches this file through insights/text.ts and needs these types too
/// <reference path="./natural-modules.d.ts" />
/**
 * Words that never become terms: natural's English stop words, contractions,
 * and the boilerplate of support conversations (greetings, thanks, sign-offs,
 * chat and social-media filler) that would otherwise top every ranking.
 */
import { words as naturalStopWords } from 'natural/lib/natural/util/stopwords.js';

const CONTRACTIONS = `i'm i've i'd i'll you're you've you'd you'll he's she's it's we're we've we'd we'll they're they've
they'd they'll that's there's here's what's where's who's how's let's can't cannot won't don't doesn't didn't isn't aren't
wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't mustn't ain't y'all im ive id ill youre dont doesnt didnt
isnt arent wasnt werent hasnt havent hadnt cant wont shouldnt wouldnt couldnt thats theres whats`;

const MORE_FUNCTION_WORDS = `a about above after again against all also am an and another any are as at be because been before
being below between both but by can could did do does doing done down during each either else even ever every few for from
further get gets getting got gotten had has have having he her here hers herself him himself his how however i if in into is it
its itself just least less like made make makes many may me might mine more most much must my myself neither never no nor not
now of off often on once one only or other our ours ourselves out over own per perhaps quite rather really same say said says
see seem seems several shall she should since so some something somehow still such than that the their theirs them themselves
then there these they thing things this those though through thus to too under until up upon us use used very via want wanted
was way we well were what whatever when where whether which while who whom whose why will with within without would yet you
your yours yourself yourselves u ur r ya yo ok okay oh ah uh um hmm lol haha yes yeah yep nope sure alright etc i.e e.g
again already always anyone anything everyone everything nothing someone anybody somebody day days today tomorrow yesterday
week weeks month months year years time times hour hours minute minutes morning afternoon evening night`;

// Support boilerplate: greetings, thanks, sign-offs, channel filler, social-media handles' words.
const SUPPORT_BOILERPLATE = `hi hii hiii hello hey heya hallo bonjour hola ciao salut dear sir madam mr mrs ms team guys folks
thanks thank thx thnx ty tia cheers appreciate appreciated grateful please pls plz kindly regards kind best sincerely
greetings warm wishes sent signature reply replied replying respond response responded message messages
messaged dm dms pm pms inbox follow followed following tweet tweets tweeted retweet rt amp gt lt nbsp via http https www com
co org net help helped helping assist assistance assisted question questions ask asked asking hope hoping wondering wonder
let know knew tell told look looking looked check checked checking contact contacted contacting reach reached reaching
chat chatting customer customers support agent agents representative rep 
 info information detail details asap soon still again know need needed needs try tried trying go going
gone come coming came back take took taken give gave given able unable one two three first second last next 
ref name url handle card_number order_number happen happens happened happening started starts talk talked talking
mainly far instead actually basically literally anyway`;

/** Every stop word, lower case. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  [naturalStopWords as readonly string[], CONTRACTIONS.split(/\s+/), MORE_FUNCTION_WORDS.split(/\s+/), SUPPORT_BOILERPLATE.split(/\s+/)]
    .flat()
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean),
);
