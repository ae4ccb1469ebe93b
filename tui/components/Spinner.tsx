/** A turning spinner before a line of text; it turns only while it is shown. */
import { useEffect, useState } from 'react';
import { Text } from 'ink';

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner({ color, text }: { color?: string; text: string }) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((x) => x + 1), 80);
    return () => clearInterval(timer);
  }, []);
  return (
    <Text color={color}>
      {SPINNER[tick % SPINNER.length]} {text}
    </Text>
  );
}
