// The sales funnel: the stages of MoySklad's customer orders in their order, coloured by outcome;
// clicking one filters the deals by it.
import type { Stage } from '../../api/deals.ts';

/** MoySklad stores a stage colour as a 24-bit integer. */
const css = (color: number | null) => (color === null ? undefined : `#${(color & 0xffffff).toString(16).padStart(6, '0')}`);

export function Funnel({ stages, selected, onSelect }: { stages: Stage[]; selected: string; onSelect: (id: string) => void }) {
  const shown = stages.filter((s) => !s.deleted || s.id === selected);
  return (
    <section className="card funnel-card" aria-label="Воронка">
      <div className="card-head">
        <h2 className="card-title">Воронка</h2>
        <span className="muted small">Этапы заказов покупателей в МойСклад. Нажмите на этап, чтобы показать только его сделки.</span>
      </div>
      <ol className="funnel">
        {shown.map((s) => (
          <li key={`${s.integrationId}:${s.id}`}>
            <button
              type="button"
              className={`funnel-stage outcome-${s.outcome} ${selected === s.id ? 'active' : ''}`}
              aria-pressed={selected === s.id}
              onClick={() => onSelect(s.id)}
              title={s.outcome === 'won' ? 'Успешный итог' : s.outcome === 'lost' ? 'Неуспешный итог' : 'Сделка в работе'}
            >
              <span className="funnel-dot" style={{ background: css(s.color) }} />
              {s.name}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
