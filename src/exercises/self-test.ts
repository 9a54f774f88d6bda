// Self-test questions (no code): the answers are in the lesson, and the learner reveals them
// when ready. In Jupyter and the HTML pages each answer is a collapsed <details> block.
import { displayBundle } from "../lab/display";
import { escapeHtml } from "./exercise";

export interface Question {
  question: string;
  answer: string;
}

export interface SelfTest {
  /** Shows the questions, answers folded away. */
  show(): void;
  /** Shows the answer to question `n` (counting from 1). */
  answer(n: number): void;
}

export function selfTest(questions: readonly Question[]): SelfTest {
  return {
    show() {
      const html = questions
        .map(
          (q, i) =>
            `<details style="margin:4px 0"><summary><strong>${i + 1}.</strong> ${escapeHtml(q.question)}</summary><div style="margin:4px 0 8px 20px">${escapeHtml(q.answer)}</div></details>`,
        )
        .join("");
      const text = questions.map((q, i) => `${i + 1}. ${q.question}`).join("\n");
      displayBundle({ "text/html": html, "text/plain": `${text}\n(reveal an answer with .answer(n))` });
    },
    answer(n: number) {
      const q = questions[n - 1];
      if (!q) throw new RangeError(`there are ${questions.length} questions; ask for 1 to ${questions.length}`);
      displayBundle({ "text/plain": `${n}. ${q.question}\n→ ${q.answer}` });
    },
  };
}
