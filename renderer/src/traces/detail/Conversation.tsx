/** Chat messages as a conversation: one card per message, roles told apart, tool calls and results shown with their JSON. */
import { useState } from 'react'
import type { ChatMessage, ChatPart, Conversation as ConversationData } from './chat'
import { roleFamily } from './chat'
import { TextBlock } from './TextBlock'
import { ValueView } from './ValueView'

function Part({ part }: { part: ChatPart }) {
  switch (part.kind) {
    case 'text':
      return (
        <div className={part.label ? `chat-text chat-${part.label}` : 'chat-text'}>
          {part.label && <div className="chat-part-label">{part.label}</div>}
          <TextBlock text={part.text} />
        </div>
      )
    case 'toolCall':
      return (
        <div className="chat-tool-call" data-testid="tool-call">
          <div className="chat-part-label">
            Tool call <code>{part.name}</code>
            {part.id && <span className="chat-id"> {part.id}</span>}
          </div>
          <ValueView value={part.arguments ?? null} openDepth={3} />
        </div>
      )
    case 'toolResult':
      return (
        <div className={part.isError ? 'chat-tool-result chat-tool-error' : 'chat-tool-result'} data-testid="tool-result">
          <div className="chat-part-label">
            {part.isError ? 'Tool error' : 'Tool result'}
            {part.id && <span className="chat-id"> for {part.id}</span>}
          </div>
          <ValueView value={part.content ?? null} />
        </div>
      )
    case 'data':
      return (
        <div className="chat-data">
          <ValueView value={part.value} />
        </div>
      )
  }
}

function Message({ message }: { message: ChatMessage }) {
  const family = roleFamily(message.role)
  return (
    <li className={`chat-message chat-role-${family}`} data-role={message.role}>
      <div className="chat-role">
        {message.role}
        {message.name && <span className="chat-id"> {message.name}</span>}
      </div>
      {message.parts.length === 0 ? (
        <div className="chat-empty">(empty)</div>
      ) : (
        message.parts.map((part, i) => <Part key={i} part={part} />)
      )}
    </li>
  )
}

/** Messages at most this many render at once; longer conversations page. */
const MESSAGE_PAGE = 200

/** The conversation view of a payload recognised by toConversation. */
export function Conversation({ conversation }: { conversation: ConversationData }) {
  const { messages, finishReason } = conversation
  const [limit, setLimit] = useState(MESSAGE_PAGE)
  return (
    <div className="chat" data-testid="conversation">
      <ol className="chat-messages">
        {messages.slice(0, limit).map((m, i) => (
          <Message key={i} message={m} />
        ))}
      </ol>
      {messages.length > limit && (
        <button type="button" className="btn btn-small" onClick={() => setLimit(limit + MESSAGE_PAGE)}>
          Show more messages ({(messages.length - limit).toLocaleString()} left)
        </button>
      )}
      {finishReason && <div className="chat-finish">Finish reason: {finishReason}</div>}
    </div>
  )
}
