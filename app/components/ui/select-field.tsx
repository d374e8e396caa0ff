import { useId, type SelectHTMLAttributes } from 'react'

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string
  options: { value: string; label: string; lang?: string }[]
}

/** A labelled select, styled like Field. */
export function SelectField({ label, options, id, className = '', ...select }: SelectFieldProps) {
  const generated = useId()
  const selectId = id ?? generated
  return (
    <div className={className}>
      <label htmlFor={selectId} className="block text-sm font-medium text-indigo-brand">
        {label}
      </label>
      <select
        id={selectId}
        className="mt-1 block w-full rounded-lg border-0 bg-white px-3 py-2.5 text-indigo-brand shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-violet-brand"
        {...select}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value} lang={option.lang}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}
