/**
 * Body Format "Text": Graph has no text format for Teams messages, so the node converts the
 * stored HTML itself (nodes/Microsoft365Teams/html-text.ts).
 */
import { htmlToText } from '../../nodes/Microsoft365Teams/html-text';

test.each([
	['<p>one</p><p>two</p>', 'one\ntwo'],
	['a<br>b<br/><br>c', 'a\nb\n\nc'],
	['<ul><li>first</li><li>second</li></ul>', '- first\n- second'],
	['<div>Hi <at id="0">Bob Berger</at>!</div>', 'Hi Bob Berger!'],
	['5 &lt; 6 &amp;&nbsp;&quot;x&quot; &#x1F600; &#65;', '5 < 6 & "x" 😀 A'],
	['see<attachment id="abc"></attachment>', 'see[attachment]'],
	['<img src="https://graph/hostedContents/1/$value" alt="x">', '[image]'],
	['<systemEventMessage/>', ''],
	['<p>  spaced \n  out  </p>', 'spaced out'],
	['&unknown; stays', '&unknown; stays'],
])('%j → %j', (html, text) => {
	expect(htmlToText(html)).toBe(text);
});
